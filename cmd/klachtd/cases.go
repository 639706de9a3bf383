package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

const casesUsage = `usage: klachtd cases list [--status S] [--overdue] [--json] [--config FILE]
       klachtd cases show KL-YYYY-NNNNNN [--json] [--config FILE]
`

func runCases(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "show") {
		fmt.Fprint(stderr, casesUsage)
		return 2
	}
	fs := flag.NewFlagSet("cases "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (TOML); only database.url is needed")
	asJSON := fs.Bool("json", false, "print JSON")
	status := fs.String("status", "", "list: only cases with this status")
	overdue := fs.Bool("overdue", false, "list: only open cases past their decision date")
	rest := args[1:]
	var ref string
	if args[0] == "show" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		ref, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if args[0] == "show" && ref == "" && fs.NArg() > 0 {
		ref = fs.Arg(0)
	}
	s, err := openStore(ctx, *path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer s.Close()
	if args[0] == "list" {
		err = listCases(ctx, s, deadline.DateOf(time.Now()), *status, *overdue, *asJSON, stdout)
	} else if ref == "" {
		fmt.Fprint(stderr, casesUsage)
		return 2
	} else {
		err = showCase(ctx, s, ref, *asJSON, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// openStore connects with KLACHTD_DATABASE_URL, or the config file's database.url.
func openStore(ctx context.Context, path string) (*store.Store, error) {
	url := os.Getenv("KLACHTD_DATABASE_URL")
	if path != "" {
		cfg, err := loadDatabaseOnly(path)
		if err != nil {
			return nil, err
		}
		url = cfg
	}
	if url == "" {
		return nil, fmt.Errorf("klachtd: set KLACHTD_DATABASE_URL or pass --config")
	}
	return store.Open(ctx, url)
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
	cs, err := s.ListCases(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		rows := make([]caseRow, 0, len(cs))
		for _, c := range cs {
			rows = append(rows, toRow(c, today))
		}
		return json.NewEncoder(w).Encode(rows)
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
