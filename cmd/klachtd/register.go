package main

import (
	"context"
	"io"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/records"
)

// runRegister prints the yearly register of complaints (Awb 9:12a: written
// complaints are registered and the register is published every year): a
// summary, with --csv one de-identified line per complaint, or with --html
// FILE a one-page report with charts. None of them holds names, addresses,
// subjects or references (a serial number instead), dates only by month,
// categories only from the configured list, so that it can be published
// as it is; the three show the same numbers (internal/records).
func runRegister(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRecordsCommand("register", stderr)
	year := cmd.Int("year", time.Now().In(deadline.Location()).Year()-1, "the year the complaints were received")
	asCSV := cmd.Bool("csv", false, "one line per complaint, CSV")
	htmlOut := cmd.String("html", "", "write the page with charts to this file ('-' = stdout)")
	return cmd.run(ctx, args, stderr, func(e recordsEnv) error {
		p := records.Year(*year)
		if *asCSV {
			rows, err := e.store.RegisterBetween(ctx, p.From.Start(), p.To.Start())
			if err != nil {
				return err
			}
			return records.WriteCSV(stdout, rows, e.categories)
		}
		st, err := e.rec.Stats(ctx, p, e.categories)
		if err != nil {
			return err
		}
		if *htmlOut != "" {
			return writeOut(*htmlOut, stdout, func(w io.Writer) error {
				return records.WriteHTML(w, st, nil, time.Now())
			})
		}
		return records.WriteSummary(stdout, st)
	})
}
