package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// runRegister prints the yearly register of complaints (Awb 9:12a: written
// complaints are registered and the register is published every year): a
// summary, or with --csv one de-identified line per complaint — no names,
// addresses or subjects, so that it can be published as it is.
func runRegister(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newDBCommand("register", stderr)
	year := cmd.Int("year", time.Now().In(deadline.Location()).Year()-1, "the year the complaints were received")
	asCSV := cmd.Bool("csv", false, "one line per complaint, CSV")
	return cmd.run(ctx, args, stderr, func(s *store.Store) error {
		rows, err := s.Register(ctx, *year)
		if err != nil {
			return err
		}
		if *asCSV {
			return registerCSV(stdout, rows)
		}
		return registerSummary(stdout, *year, rows)
	})
}

// onTime says whether a closed complaint was decided by the end of its
// (possibly extended) due date.
func onTime(r store.RegisterRow) bool {
	return r.ClosedAt.Valid && !r.ClosedAt.Time.After(r.DecisionDue.End())
}

func registerCSV(w io.Writer, rows []store.RegisterRow) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"reference", "received", "category", "policy", "status", "outcome", "decision_due",
		"closed", "days_to_close", "on_time", "extended", "delays_with_consent"})
	for _, r := range rows {
		closed, days, ontime := "", "", ""
		if r.ClosedAt.Valid {
			closed = deadline.DateOf(r.ClosedAt.Time).String()
			days = strconv.Itoa(deadline.DateOf(r.ClosedAt.Time).Sub(deadline.DateOf(r.ReceivedAt)))
			ontime = strconv.FormatBool(onTime(r))
		}
		cw.Write([]string{r.Ref, deadline.DateOf(r.ReceivedAt).String(), r.Category, r.Policy, r.Status, r.Outcome.String,
			r.DecisionDue.String(), closed, days, ontime, strconv.FormatBool(r.Extensions > 0), strconv.Itoa(r.Delays)})
	}
	cw.Flush()
	return cw.Error()
}

func registerSummary(w io.Writer, year int, rows []store.RegisterRow) error {
	var closed, ontime, extended int
	outcomes, categories := map[string]int{}, map[string]int{}
	for _, r := range rows {
		if r.ClosedAt.Valid {
			closed++
			outcomes[r.Outcome.String]++
			if onTime(r) {
				ontime++
			}
		}
		if r.Extensions > 0 {
			extended++
		}
		cat := r.Category
		if cat == "" {
			cat = "(geen categorie)"
		}
		categories[cat]++
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Klachtenregister %d\n\n", year)
	fmt.Fprintf(tw, "ontvangen\t%d\n", len(rows))
	fmt.Fprintf(tw, "afgehandeld\t%d\n", closed)
	fmt.Fprintf(tw, "binnen de termijn\t%d\t%s\n", ontime, percent(ontime, closed))
	fmt.Fprintf(tw, "verlengd\t%d\n", extended)
	fmt.Fprintf(tw, "nog open\t%d\n", len(rows)-closed)
	section := func(title string, m map[string]int) {
		fmt.Fprintf(tw, "\n%s\n", title)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(tw, "  %s\t%d\n", k, m[k])
		}
	}
	section("uitkomst", outcomes)
	section("categorie", categories)
	return tw.Flush()
}

func percent(n, of int) string {
	if of == 0 {
		return ""
	}
	return fmt.Sprintf("(%d%%)", n*100/of)
}
