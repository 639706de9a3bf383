package outbox_test

import (
	"context"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// EnqueueMany queues the mails of a run with ONE delivery job, which sends
// each row on its own: a row refused for good (550) is marked failed and the
// others go on; a row refused for now (451) fails the job, whose retry sends
// only that row (the row sent before is not sent again).
func TestOneJobDeliversTheMailsOfARun(t *testing.T) {
	s := storetest.New(t)
	_, srv, w, _, _ := setupOn(t, s)
	ctx := context.Background()
	q := newQueue(t, s)
	var mails []outbox.Mail
	for _, to := range []string{"anna@example.nl", "bert@example.nl", "cor@example.nl"} {
		mails = append(mails, outbox.Mail{Kind: "digest", To: []outbox.Address{{Address: to}}, Template: "ack",
			Data: map[string]any{"Case": &store.Case{Ref: "KL-2026-000009", DecisionDue: deadline.NewDate(2026, 12, 14)},
				"Subject": "Overlast", "IntakeName": "Klachten"}})
	}
	var qs []outbox.Enqueued
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		qs, err = q.EnqueueMany(ctx, tx, mails)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var jobs int
	var args string
	if err := s.DB().QueryRow(`SELECT count(*), max(args::text) FROM river_job WHERE kind = 'klachtd_deliver'`).Scan(&jobs, &args); err != nil {
		t.Fatal(err)
	}
	if jobs != 2 { // setupOn queued one of its own
		t.Fatalf("%d delivery jobs, want 2 (setup's and one for the run): %s", jobs, args)
	}
	tries := 0
	srv.Reject = func(rcpt string) *smtp.SMTPError {
		switch rcpt {
		case "bert@example.nl":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		case "cor@example.nl":
			if tries++; tries == 1 {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
			}
		}
		return nil
	}
	ids := []int64{qs[0].ID, qs[1].ID, qs[2].ID}
	run := func(attempt int) error {
		return w.Work(ctx, &river.Job[outbox.DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 125},
			Args: outbox.DeliverArgs{OutboxIDs: ids}})
	}
	if err := run(1); err == nil || !outbox.IsTemporary(err) {
		t.Fatalf("first attempt: %v, want a temporary error (cor's 451)", err)
	}
	want := []string{store.OutboxSent, store.OutboxFailed, store.OutboxQueued}
	for i, id := range ids {
		if m, _ := s.OutboxMail(ctx, id); m.Status != want[i] {
			t.Errorf("row %d after the first attempt: %s, want %s", i+1, m.Status, want[i])
		}
	}
	if err := run(2); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if m, _ := s.OutboxMail(ctx, ids[2]); m.Status != store.OutboxSent || m.Attempts != 2 {
		t.Errorf("cor's row after the retry: %s, %d attempts; want sent after 2", m.Status, m.Attempts)
	}
	got := map[string]int{}
	for _, m := range srv.Mails() {
		got[m.Rcpt[0]]++
	}
	if got["anna@example.nl"] != 1 || got["cor@example.nl"] != 1 || got["bert@example.nl"] != 0 {
		t.Errorf("mails accepted per recipient: %v; want anna and cor once, bert never", got)
	}
}
