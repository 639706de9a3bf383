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
	var got store.AutoAnswerCounts
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
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.AutoAnswerCounts{Mailbox: 2, Domain: 2, All: 3}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
}
