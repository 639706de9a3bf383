package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// The caps count answers of one kind: to a mailbox over the day window, to
// a domain and to anyone over the hour window.
func TestCountAutoAnswersWindows(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	answers := []store.AutoAnswer{
		{Kind: "ack", Mailbox: "v@third.example", Domain: "third.example", At: now.Add(-23 * time.Hour)}, // in the day only
		{Kind: "ack", Mailbox: "v@third.example", Domain: "third.example", At: now.Add(-10 * time.Minute)},
		{Kind: "ack", Mailbox: "w@third.example", Domain: "third.example", At: now.Add(-5 * time.Minute)},
		{Kind: "ack", Mailbox: "x@other.example", Domain: "other.example", At: now.Add(-1 * time.Minute)},
		{Kind: "ack", Mailbox: "v@third.example", Domain: "third.example", At: now.Add(-25 * time.Hour)}, // outside both
		{Kind: "notice", Mailbox: "v@third.example", Domain: "third.example", At: now},                   // another kind
	}
	var got, capped, uncapped store.AutoAnswerCounts
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for i, a := range answers {
			m := &store.OutboxMail{Kind: a.Kind, MessageID: fmt.Sprintf("m%d@x", i), MailFrom: "k@x", Rcpt: []string{a.Mailbox},
				Raw: []byte("x"), CreatedAt: a.At}
			if _, err := tx.InsertOutbox(ctx, m); err != nil {
				return err
			}
			a.OutboxID = m.ID
			if err := tx.RecordAutoAnswer(ctx, a); err != nil {
				return err
			}
		}
		var err error
		got, err = tx.CountAutoAnswers(ctx, "ack", "v@third.example", "third.example", now.Add(-24*time.Hour), now.Add(-time.Hour))
		if err != nil {
			return err
		}
		// Counting up to the caps: the mailbox's and domain's counts stop
		// at their caps, the same windows otherwise (a cap needs "at the
		// cap or over", no more).
		upTo := store.AutoAnswerCounts{Mailbox: 1, Domain: 1, All: 2}
		capped, err = tx.CountAutoAnswersUpTo(ctx, "ack", "v@third.example", "third.example", now.Add(-24*time.Hour), now.Add(-time.Hour), upTo)
		if err != nil {
			return err
		}
		wide := store.AutoAnswerCounts{Mailbox: 9, Domain: 9, All: 9}
		uncapped, err = tx.CountAutoAnswersUpTo(ctx, "ack", "v@third.example", "third.example", now.Add(-24*time.Hour), now.Add(-time.Hour), wide)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := store.AutoAnswerCounts{Mailbox: 2, Domain: 2, All: 3}
	if got != want || uncapped != want {
		t.Errorf("counts = %+v, up to 9: %+v; want %+v", got, uncapped, want)
	}
	// The count to anyone comes from the per-minute counts whatever its
	// cap: it is cheap in full.
	if want := (store.AutoAnswerCounts{Mailbox: 1, Domain: 1, All: 3}); capped != want {
		t.Errorf("counts up to the caps = %+v, want %+v", capped, want)
	}
}
