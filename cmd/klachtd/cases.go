package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

const casesUsage = `usage: klachtd cases list [--status S] [--overdue] [--review] [--limit N | --all] [--after REF] [--json] [--config FILE]
       klachtd cases show KL-YYYY-NNNNNN [--json] [--config FILE]
`

func runCases(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "show") {
		fmt.Fprint(stderr, casesUsage)
		return 2
	}
	cmd := newDBCommand("cases "+args[0], stderr)
	asJSON := cmd.Bool("json", false, "print JSON")
	if args[0] == "list" {
		status := cmd.String("status", "", "only cases with this status")
		overdue := cmd.Bool("overdue", false, "only open cases past their decision date")
		review := cmd.Bool("review", false, "only cases marked for review (machine signals, over a limit, acknowledgement withheld)")
		limit := cmd.Int("limit", defaultListLimit, "show at most N cases, the most urgent first")
		all := cmd.Bool("all", false, "show every case (read in pages)")
		after := cmd.String("after", "", "start after this case: the last reference of the previous page")
		return cmd.run(ctx, args[1:], stderr, func(s *store.Store) error {
			if *limit < 1 {
				return fmt.Errorf("cases list: --limit must be 1 or more")
			}
			f := store.CaseFilter{Status: *status, Review: *review, Limit: *limit}
			if *overdue {
				f.Overdue = deadline.DateOf(time.Now())
			}
			if *after != "" {
				cur, err := s.CaseCursorByRef(ctx, *after)
				if err != nil {
					return err
				}
				f.After = cur
			}
			l := lister{s: s, today: deadline.DateOf(time.Now()), asJSON: *asJSON, w: stdout}
			if *all {
				return l.all(ctx, f)
			}
			return l.page(ctx, f, stderr)
		})
	}
	rest, ref := args[1:], ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		ref, rest = rest[0], rest[1:]
	}
	return cmd.run(ctx, rest, stderr, func(s *store.Store) error {
		if ref == "" {
			ref = cmd.Arg(0)
		}
		if ref == "" {
			return fmt.Errorf("%s", strings.TrimSpace(casesUsage))
		}
		return showCase(ctx, s, ref, *asJSON, stdout)
	})
}

// caseRow is one line of `cases list --json`.
type caseRow struct {
	Ref         string        `json:"ref"`
	Status      string        `json:"status"`
	Outcome     string        `json:"outcome,omitempty"`
	Subject     string        `json:"subject"`
	Complainant string        `json:"complainant"`
	Handler     string        `json:"handler"`
	Category    string        `json:"category"`
	ReceivedAt  time.Time     `json:"received_at"`
	DecisionDue deadline.Date `json:"decision_due"`
	DaysLeft    int           `json:"days_left"` // negative: days late
	Extensions  int           `json:"extensions"`
	NeedsReview bool          `json:"needs_review"`
	AckBounced  bool          `json:"ack_bounced"`
	// ReviewReasons says why a case needs review (machine signals, what
	// could not be read, why no acknowledgement went out).
	ReviewReasons []string `json:"review_reasons,omitempty"`
	// The structured fields (issue 14): channel, desired_outcome,
	// incident_date, department, and for a registration the registrar,
	// the complainant's phone and postal address and ack_by_post.
	store.Fields
}

func toRow(c store.Case, today deadline.Date) caseRow {
	return caseRow{Ref: c.Ref, Status: c.Status, Outcome: c.Outcome.String, Subject: c.Subject,
		Complainant: c.ComplainantAddress, Handler: c.HandlerAddress, Category: c.Category, ReceivedAt: c.ReceivedAt,
		DecisionDue: c.DecisionDue, DaysLeft: c.DecisionDue.Sub(today), Extensions: c.Extensions,
		NeedsReview: c.NeedsReview, AckBounced: c.AckBounced}
}

func listCases(ctx context.Context, s *store.Store, today deadline.Date, status string, overdue, asJSON bool, w io.Writer) error {
	f := store.CaseFilter{Status: status}
	if overdue {
		f.Overdue = today
	}
	return listFiltered(ctx, s, today, f, asJSON, w)
}

// listFiltered prints the cases f selects, as a table or as JSON.
func listFiltered(ctx context.Context, s *store.Store, today deadline.Date, f store.CaseFilter, asJSON bool, w io.Writer) error {
	cs, err := s.ListCases(ctx, f)
	if err != nil {
		return err
	}
	return lister{s: s, today: today, asJSON: asJSON, w: w}.print(ctx, cs)
}

// defaultListLimit is how many cases `cases list` shows without --limit or
// --all: a page a person reads, and one index walk however many cases
// there are (store.ListCases). Where more match, a line on stderr says how
// to see the next page.
const defaultListLimit = 100

// listPage is how many cases `cases list --all` reads at a time, so that
// its memory does not grow with the number of cases.
const listPage = 1000

// lister prints pages of cases as a table or as JSON.
type lister struct {
	s      *store.Store
	today  deadline.Date
	asJSON bool
	w      io.Writer
}

// page prints the f.Limit most urgent cases f selects (after f.After) and,
// when there are more, tells on stderr how to see them.
func (l lister) page(ctx context.Context, f store.CaseFilter, stderr io.Writer) error {
	n := f.Limit
	f.Limit++
	cs, err := l.s.ListCases(ctx, f)
	if err != nil {
		return err
	}
	more := len(cs) > n
	cs = cs[:min(n, len(cs))]
	err = l.print(ctx, cs)
	if err == nil && more {
		fmt.Fprintf(stderr, "more cases: klachtd cases list --after %s (or --all)\n", cs[len(cs)-1].Ref)
	}
	return err
}

// print writes cs as one JSON array, or as a table under its header.
func (l lister) print(ctx context.Context, cs []store.Case) error {
	if !l.asJSON {
		return l.table(cs, true)
	}
	rows, err := l.rows(ctx, cs)
	if err != nil {
		return err
	}
	return json.NewEncoder(l.w).Encode(rows)
}

// all prints every case f selects, read and written a page at a time: the
// table is aligned per page, the JSON is one array.
func (l lister) all(ctx context.Context, f store.CaseFilter) error {
	f.Limit = listPage
	if l.asJSON {
		if _, err := io.WriteString(l.w, "["); err != nil {
			return err
		}
	}
	for first := true; ; first = false {
		cs, err := l.s.ListCases(ctx, f)
		if err != nil {
			return err
		}
		if err := l.write(ctx, cs, first); err != nil {
			return err
		}
		if len(cs) < f.Limit {
			break
		}
		f.After = store.CursorOf(cs[len(cs)-1])
	}
	if l.asJSON {
		_, err := io.WriteString(l.w, "]\n")
		return err
	}
	return nil
}

// write prints one page of --all: table rows (the header on the first
// page), or JSON array elements.
func (l lister) write(ctx context.Context, cs []store.Case, first bool) error {
	if !l.asJSON {
		return l.table(cs, first)
	}
	rows, err := l.rows(ctx, cs)
	if err != nil {
		return err
	}
	for i, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if !first || i > 0 {
			b = append([]byte(","), b...)
		}
		if _, err := l.w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// table prints cs, aligned, under a header line when header is set.
func (l lister) table(cs []store.Case, header bool) error {
	tw := tabwriter.NewWriter(l.w, 0, 0, 2, ' ', 0)
	if header {
		fmt.Fprintln(tw, "REFERENCE\tSTATUS\tDUE\tDAYS\tHANDLER\tSUBJECT")
	}
	for _, c := range cs {
		r := toRow(c, l.today)
		days := fmt.Sprint(r.DaysLeft)
		if c.Status == store.StatusClosed {
			days = "-"
		}
		flags := ""
		if c.NeedsReview {
			flags = " (review)"
		}
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\t%s\t%s\n", c.Ref, c.Status, flags, c.DecisionDue, days, c.HandlerAddress, c.Subject)
	}
	return tw.Flush()
}

// rows are cs as JSON rows, with the reasons of the cases for review and
// the structured fields.
func (l lister) rows(ctx context.Context, cs []store.Case) ([]caseRow, error) {
	var ids []int64
	for _, c := range cs {
		if c.NeedsReview {
			ids = append(ids, c.ID)
		}
	}
	reasons, err := l.s.ReviewReasons(ctx, ids)
	if err != nil {
		return nil, err
	}
	all := make([]int64, 0, len(cs))
	for _, c := range cs {
		all = append(all, c.ID)
	}
	fields, err := l.s.FieldsOfCases(ctx, all)
	if err != nil {
		return nil, err
	}
	rows := make([]caseRow, 0, len(cs))
	for _, c := range cs {
		r := toRow(c, l.today)
		r.ReviewReasons = reasons[c.ID]
		r.Fields = fields[c.ID]
		if r.Channel == "" {
			r.Channel = store.ChannelEmail
		}
		rows = append(rows, r)
	}
	return rows, nil
}
