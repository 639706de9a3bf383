package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

const dueUsage = `usage: klachtd due --policy awb|wkkgz|generic --received TIME [--committee] [--json]
                   [--good-friday-off] [--liberation-day every_year|lustrum|never] [--closed DATE,…]

TIME is RFC 3339 (2026-03-02T10:00:00+01:00) or YYYY-MM-DD[ HH:MM[:SS]] in
Europe/Amsterdam. Prints the dates the daemon would set for a case received
then. Needs no database and no config file.
`

// runDue is "klachtd due": the deadlines of a case, computed by the same
// deadline package the daemon uses.
func runDue(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("due", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, dueUsage) }
	policy := fs.String("policy", deadline.PresetGeneric, "policy preset: awb, wkkgz or generic")
	received := fs.String("received", "", "delivery time of the complaint")
	committee := fs.Bool("committee", false, "an advisory committee handles the complaint (awb: 10 weeks)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	var cal deadline.CalendarConfig
	fs.BoolVar(&cal.GoodFridayOff, "good-friday-off", false, "the organisation is closed on Goede Vrijdag")
	fs.Func("liberation-day", "5 May off: every_year, lustrum (default) or never", func(s string) error {
		cal.LiberationDay = deadline.Liberation(s)
		return nil
	})
	fs.Func("closed", "extra closing days, comma separated YYYY-MM-DD", func(s string) error {
		return parseClosed(s, &cal.Closed)
	})
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if fs.NArg() > 0 || *received == "" {
		fs.Usage()
		return 2
	}
	s, p, err := computeDue(*policy, *received, *committee, cal)
	if err != nil {
		fmt.Fprintf(stderr, "klachtd due: %v\n", err)
		return 2
	}
	if *committee && p.DecisionCommittee == nil {
		fmt.Fprintf(stderr, "klachtd due: policy %s has no committee term; --committee ignored\n", p.Name)
	}
	if *asJSON {
		err = writeDueJSON(stdout, p.Name, *committee, s)
	} else {
		err = writeDueText(stdout, p.Name, s)
	}
	if err != nil {
		fmt.Fprintf(stderr, "klachtd due: %v\n", err)
		return 1
	}
	return 0
}

func computeDue(policy, received string, committee bool, calCfg deadline.CalendarConfig) (deadline.Schedule, deadline.Policy, error) {
	p, err := deadline.Preset(policy)
	if err != nil {
		return deadline.Schedule{}, p, err
	}
	t, err := parseReceived(received)
	if err != nil {
		return deadline.Schedule{}, p, err
	}
	org, err := deadline.NewCalendar(calCfg)
	if err != nil {
		return deadline.Schedule{}, p, err
	}
	return p.Compute(t, committee, org), p, nil
}

// receivedLayouts are the wall-clock forms, read in Europe/Amsterdam.
var receivedLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"2006-01-02 15:04", "2006-01-02T15:04",
	time.DateOnly,
}

func parseReceived(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range receivedLayouts {
		if t, err := time.ParseInLocation(layout, s, deadline.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--received %q: want RFC 3339 or YYYY-MM-DD[ HH:MM]", s)
}

func parseClosed(s string, dst *[]deadline.Date) error {
	for _, f := range strings.Split(s, ",") {
		d, err := deadline.ParseDate(strings.TrimSpace(f))
		if err != nil {
			return err
		}
		*dst = append(*dst, d)
	}
	return nil
}

func writeDueText(w io.Writer, policy string, s deadline.Schedule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "policy\t%s\n", policy)
	fmt.Fprintf(tw, "received\t%s\n", s.Received.In(deadline.Location()).Format(time.RFC3339))
	fmt.Fprintf(tw, "ack_due\t%s\n", s.AckDue)
	fmt.Fprintf(tw, "decision_due\t%s\n", s.DecisionDue)
	fmt.Fprintf(tw, "extended_due\t%s\n", s.ExtendedDue)
	if s.RefusalNoticeDue != nil {
		fmt.Fprintf(tw, "refusal_notice_due\t%s\n", s.RefusalNoticeDue)
	}
	for _, p := range s.Reminders {
		fmt.Fprintf(tw, "reminder\t%s\t%s\n", p.Date, p.Name)
	}
	for _, p := range s.Escalations {
		fmt.Fprintf(tw, "escalation\t%s\t%s (level %d)\n", p.Date, p.Name, p.Level)
	}
	return tw.Flush()
}

// dueJSON is the --json object: Schedule's keys plus what was asked.
type dueJSON struct {
	Policy    string `json:"policy"`
	Committee bool   `json:"committee"`
	deadline.Schedule
}

func writeDueJSON(w io.Writer, policy string, committee bool, s deadline.Schedule) error {
	s.Received = s.Received.In(deadline.Location())
	if s.Reminders == nil {
		s.Reminders = []deadline.Point{}
	}
	if s.Escalations == nil {
		s.Escalations = []deadline.Point{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(dueJSON{Policy: policy, Committee: committee, Schedule: s})
}
