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

const casesUsage = `usage: klachtd cases list [--status S] [--overdue] [--review] [--json] [--config FILE]
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
		return cmd.run(ctx, args[1:], stderr, func(s *store.Store) error {
			f := store.CaseFilter{Status: *status, Review: *review}
			if *overdue {
				f.Overdue = deadline.DateOf(time.Now())
			}
			return listFiltered(ctx, s, deadline.DateOf(time.Now()), f, *asJSON, stdout)
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
	if asJSON {
		return listJSON(ctx, s, today, cs, w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REFERENCE\tSTATUS\tDUE\tDAYS\tHANDLER\tSUBJECT")
	for _, c := range cs {
		r := toRow(c, today)
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

// listJSON prints cs as JSON, with the reasons of the cases for review.
func listJSON(ctx context.Context, s *store.Store, today deadline.Date, cs []store.Case, w io.Writer) error {
	var ids []int64
	for _, c := range cs {
		if c.NeedsReview {
			ids = append(ids, c.ID)
		}
	}
	reasons, err := s.ReviewReasons(ctx, ids)
	if err != nil {
		return err
	}
	all := make([]int64, 0, len(cs))
	for _, c := range cs {
		all = append(all, c.ID)
	}
	fields, err := s.FieldsOfCases(ctx, all)
	if err != nil {
		return err
	}
	rows := make([]caseRow, 0, len(cs))
	for _, c := range cs {
		r := toRow(c, today)
		r.ReviewReasons = reasons[c.ID]
		r.Fields = fields[c.ID]
		if r.Channel == "" {
			r.Channel = store.ChannelEmail
		}
		rows = append(rows, r)
	}
	return json.NewEncoder(w).Encode(rows)
}
