package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// A case's sweep date is written only while the case is as the sweep read
// it, and any change its points depend on sets it back to "look now";
// other changes keep it.
func TestSweepDateFollowsTheCase(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	today := deadline.Date{Year: 2026, Month: 11, Day: 16}
	c := &store.Case{Status: store.StatusReceived, Subject: "Overlast", Language: "nl", Policy: "awb",
		ReceivedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location()), AckDue: today,
		DecisionDue: deadline.Date{Year: 2026, Month: 12, Day: 14}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
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
	toSweep := func() int {
		t.Helper()
		cs, _, err := s.CasesToSweep(ctx, today, store.SweepStart, 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	update := func(change func(*store.Case)) {
		t.Helper()
		err := s.InTx(ctx, func(tx *store.Tx) error {
			k, err := tx.CaseByID(ctx, c.ID)
			if err != nil {
				return err
			}
			change(k)
			return tx.UpdateCase(ctx, k)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if toSweep() != 1 {
		t.Fatal("a new case is not to be swept")
	}
	read, _, _ := s.CasesToSweep(ctx, today, store.SweepStart, 10)
	date := func() error {
		return s.SetSweepDates(ctx, []store.SweepNext{{Case: &read[0], Next: "2026-11-30"}})
	}
	if err := date(); err != nil {
		t.Fatal(err)
	}
	if toSweep() != 0 {
		t.Fatal("a case dated to 30 November is swept on 16 November")
	}
	update(func(k *store.Case) { k.Category = "parkeren" })
	if toSweep() != 0 {
		t.Error("a new category sets the sweep date back")
	}
	update(func(k *store.Case) { k.DecisionDue, k.Extensions = deadline.Date{Year: 2027, Month: 1, Day: 11}, 1 })
	if toSweep() != 1 {
		t.Fatal("an extension does not set the sweep date back")
	}
	if err := date(); err != nil { // computed from the case before the extension
		t.Fatal(err)
	}
	if toSweep() != 1 {
		t.Error("a sweep date computed before the extension was written")
	}
}
