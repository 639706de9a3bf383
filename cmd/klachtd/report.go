package main

import (
	"context"
	"io"
	"time"

	"github.com/klachtd/klachtd/internal/records"
)

// runReport gives managers a quarter's numbers with the trend against the
// previous quarter and the top recurring categories: text, or with --html
// FILE the page with charts.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRecordsCommand("report", stderr)
	q := cmd.String("quarter", "", "the quarter, like 2026Q4 (default the last full quarter)")
	htmlOut := cmd.String("html", "", "write the page with charts to this file ('-' = stdout)")
	return cmd.run(ctx, args, stderr, func(e recordsEnv) error {
		p, err := reportPeriod(*q, time.Now())
		if err != nil {
			return err
		}
		cur, err := e.rec.Stats(ctx, p, e.categories)
		if err != nil {
			return err
		}
		prev, err := e.rec.Stats(ctx, p.Previous(), e.categories)
		if err != nil {
			return err
		}
		if *htmlOut != "" {
			return writeOut(*htmlOut, stdout, func(w io.Writer) error {
				return records.WriteHTML(w, cur, &prev, time.Now())
			})
		}
		return records.WriteReport(stdout, cur, prev)
	})
}

func reportPeriod(q string, now time.Time) (records.Period, error) {
	if q != "" {
		return records.Quarter(q)
	}
	cur, err := records.Quarter(records.QuarterOf(now))
	if err != nil {
		return records.Period{}, err
	}
	return cur.Previous(), nil
}
