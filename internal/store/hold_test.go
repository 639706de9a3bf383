package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// A hold (SetHold, and #bewaren through HoldCase) records its reason and
// when it was set; a release clears both, with an event each time; the same
// hold again records nothing.
func TestHoldSetAndReleased(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())
	c := &store.Case{Status: store.StatusClosed, Subject: "Overlast", Language: "nl", Policy: "awb", ReceivedAt: now,
		AckDue: deadline.DateOf(now), DecisionDue: deadline.DateOf(now), CreatedAt: now, UpdatedAt: now}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if c.Ref, err = tx.NextRef(ctx, "KL", 2026); err != nil {
			return err
		}
		return tx.InsertCase(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	hold := func() (string, sql.NullTime) {
		t.Helper()
		var reason string
		var at sql.NullTime
		if err := s.DB().QueryRow(`SELECT hold_reason, hold_at FROM cases WHERE id = $1`, c.ID).Scan(&reason, &at); err != nil {
			t.Fatal(err)
		}
		return reason, at
	}
	for _, step := range []struct {
		reason  string
		changed bool
	}{{"WOO-verzoek", true}, {"WOO-verzoek", false}, {"", true}, {"", false}} {
		changed, err := s.SetHold(ctx, c.Ref, step.reason, "cli:test", now)
		if err != nil || changed != step.changed {
			t.Fatalf("SetHold %q: changed %v (%v), want %v", step.reason, changed, err, step.changed)
		}
		if reason, at := hold(); reason != step.reason || at.Valid != (step.reason != "") {
			t.Fatalf("after SetHold %q: hold %q at %v", step.reason, reason, at)
		}
	}
	var events int
	if err := s.DB().QueryRow(`SELECT count(*) FROM case_events WHERE case_id = $1 AND kind IN ('hold', 'hold_released')`, c.ID).Scan(&events); err != nil || events != 2 {
		t.Fatalf("%d hold events (%v), want 2", events, err)
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.HoldCase(ctx, c.ID, "rechtszaak", now) }); err != nil {
		t.Fatal(err)
	}
	if reason, at := hold(); reason != "rechtszaak" || !at.Valid || !at.Time.Equal(now) {
		t.Fatalf("after HoldCase: hold %q at %v", reason, at)
	}
}
