package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// runStatus prints the health of an installation from its database, for an
// operator or a monitoring check: exit 1 when intake has not reached a
// mailbox within --stale, a mail has failed for good in the last week, or a
// delivery has been in flight for longer than its timeout (its process died;
// River retries it a few minutes later, see outbox.Worker.RescueAfter).
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newDBCommand("status", stderr)
	asJSON := cmd.Bool("json", false, "print JSON")
	stale := cmd.Duration("stale", config.DefaultStale, "intake is stale when it has not reached the mailbox for this long (as [http] stale)")
	var problems []string
	code := cmd.run(ctx, args, stderr, func(s *store.Store) error {
		now := time.Now()
		h, err := s.Health(ctx, now)
		if err != nil {
			return err
		}
		problems = healthProblems(h, now, *stale)
		if *asJSON {
			return json.NewEncoder(stdout).Encode(statusJSON(h, problems))
		}
		printStatus(stdout, h, problems)
		return nil
	})
	if code == 0 && len(problems) > 0 {
		return 1
	}
	return code
}

// healthProblems lists what an operator must act on.
func healthProblems(h *store.Health, now time.Time, stale time.Duration) []string {
	var ps []string
	if len(h.Intake) == 0 {
		ps = append(ps, "intake has never reached a mailbox (is klachtd serve running?)")
	}
	for _, st := range h.Intake {
		if bad, why := st.Stale(now, stale); bad {
			ps = append(ps, fmt.Sprintf("intake of %s is stale: %s", st.Name(), why))
		}
	}
	if h.OutboxStuck > 0 {
		ps = append(ps, fmt.Sprintf("%d deliveries in flight for longer than their timeout, the oldest since %s (a crashed instance; they are retried within minutes)",
			h.OutboxStuck, h.StuckSince.Time.In(deadline.Location()).Format("2006-01-02 15:04:05")))
	}
	if h.OutboxFailed > 0 {
		ps = append(ps, fmt.Sprintf("%d mails could not be delivered in the last 7 days (klachtd cases show tells which)", h.OutboxFailed))
	}
	return ps
}

func printStatus(w io.Writer, h *store.Health, problems []string) {
	loc := deadline.Location()
	when := func(valid bool, t time.Time) string {
		if !valid {
			return "never"
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	}
	for _, st := range h.Intake {
		fmt.Fprintf(w, "mailbox %-12s last reached %s", st.Name(), when(st.LastOKAt.Valid, st.LastOKAt.Time))
		if st.LastErrorAt.Valid {
			fmt.Fprintf(w, "; last error %s: %s", when(true, st.LastErrorAt.Time), st.LastError)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "last mail delivered  %s\n", when(h.LastMailArrived.Valid, h.LastMailArrived.Time))
	fmt.Fprintf(w, "outbox               %d queued (%d retrying, oldest %s), %d failed in 7 days\n",
		h.OutboxQueued, h.OutboxRetrying, when(h.OldestQueued.Valid, h.OldestQueued.Time), h.OutboxFailed)
	if h.OutboxStuck > 0 {
		fmt.Fprintf(w, "deliveries stuck     %d in flight past their timeout, oldest since %s\n", h.OutboxStuck, when(true, h.StuckSince.Time))
	}
	fmt.Fprintf(w, "cases                %d open, %d overdue, %d to review\n", h.OpenCases, h.OverdueCases, h.NeedsReview)
	fmt.Fprintf(w, "quarantined          %d in 7 days\n", h.Quarantined)
	if len(problems) == 0 {
		fmt.Fprintln(w, "status               OK")
		return
	}
	for _, p := range problems {
		fmt.Fprintln(w, "PROBLEM              "+p)
	}
}

func statusJSON(h *store.Health, problems []string) any {
	type mb struct {
		Server      string     `json:"server,omitempty"`
		Username    string     `json:"username,omitempty"`
		Mailbox     string     `json:"mailbox"`
		LastOKAt    *time.Time `json:"last_ok_at"`
		LastError   string     `json:"last_error,omitempty"`
		LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	}
	ptr := func(valid bool, t time.Time) *time.Time {
		if !valid {
			return nil
		}
		return &t
	}
	var mbs []mb
	for _, st := range h.Intake {
		mbs = append(mbs, mb{st.Server, st.Username, st.Mailbox, ptr(st.LastOKAt.Valid, st.LastOKAt.Time), st.LastError, ptr(st.LastErrorAt.Valid, st.LastErrorAt.Time)})
	}
	if problems == nil {
		problems = []string{}
	}
	return map[string]any{
		"ok": len(problems) == 0, "problems": problems, "mailboxes": mbs,
		"last_mail_at":   ptr(h.LastMailArrived.Valid, h.LastMailArrived.Time),
		"outbox":         map[string]any{"queued": h.OutboxQueued, "retrying": h.OutboxRetrying, "failed_7d": h.OutboxFailed, "stuck": h.OutboxStuck, "oldest_queued_at": ptr(h.OldestQueued.Valid, h.OldestQueued.Time)},
		"cases":          map[string]any{"open": h.OpenCases, "overdue": h.OverdueCases, "needs_review": h.NeedsReview},
		"quarantined_7d": h.Quarantined,
	}
}
