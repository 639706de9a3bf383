package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestSchemaIsCurrentAfterMigrate(t *testing.T) {
	s := storetest.New(t)
	if err := s.CheckSchema(context.Background()); err != nil {
		t.Fatalf("CheckSchema after Migrate: %v", err)
	}
}

func TestNextRefCountsPerYear(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	var got []string
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for _, y := range []int{2026, 2026, 2027, 2026} {
			ref, err := tx.NextRef(ctx, "KL", y)
			if err != nil {
				return err
			}
			got = append(got, ref)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"KL-2026-000001", "KL-2026-000002", "KL-2027-000001", "KL-2026-000003"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestInsertMessageDedupes(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	insert := func(m store.Message) (inserted bool) {
		t.Helper()
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			_, inserted, err = tx.InsertMessage(ctx, &m)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return inserted
	}
	withID := store.Message{SHA256: "a", Raw: []byte("x"), Kind: "complaint", InternalDate: now}
	withID.MessageID.String, withID.MessageID.Valid = "one@example.nl", true
	noID := store.Message{SHA256: "b", Raw: []byte("y"), Kind: "complaint", InternalDate: now}
	otherBytesSameID := withID
	otherBytesSameID.SHA256 = "c"
	cases := []struct {
		name string
		m    store.Message
		want bool
	}{
		{"first with Message-ID", withID, true},
		{"same Message-ID again", withID, false},
		{"same Message-ID, other bytes", otherBytesSameID, false},
		{"first without Message-ID", noID, true},
		{"same bytes without Message-ID again", noID, false},
	}
	for _, c := range cases {
		if got := insert(c.m); got != c.want {
			t.Errorf("%s: inserted = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Now()
	var caseID int64
	err := s.InTx(ctx, func(tx *store.Tx) error {
		c := &store.Case{Ref: "KL-2026-000001", Status: store.StatusReceived, Policy: "awb", Language: "nl",
			ReceivedAt: now, AckDue: deadline.DateOf(now), DecisionDue: deadline.DateOf(now), CreatedAt: now}
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		caseID = c.ID
		return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "opened"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE case_events SET kind = 'forged' WHERE case_id = $1`, caseID)
		return err
	})
	if err == nil {
		t.Fatal("UPDATE of case_events succeeded; the audit trail must be append-only")
	}
}

func TestCheckpointMonotonicWithinUIDValidity(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	save := func(v, uid uint32) {
		t.Helper()
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCheckpoint(ctx, "INBOX", v, uid) }); err != nil {
			t.Fatal(err)
		}
	}
	save(7, 10)
	save(7, 4) // a late mail re-handled after a crash must not move the checkpoint back
	if c, _ := s.Checkpoint(ctx, "INBOX"); c != (store.Checkpoint{UIDValidity: 7, LastUID: 10}) {
		t.Errorf("after (7,10),(7,4): %+v", c)
	}
	save(8, 2) // new UIDVALIDITY starts over
	if c, _ := s.Checkpoint(ctx, "INBOX"); c != (store.Checkpoint{UIDValidity: 8, LastUID: 2}) {
		t.Errorf("after new uidvalidity: %+v", c)
	}
}

func TestTryLockIsExclusive(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	release, ok, err := s.TryLock(ctx, "INBOX")
	if err != nil || !ok {
		t.Fatalf("first lock: ok=%v err=%v", ok, err)
	}
	if _, ok2, _ := s.TryLock(ctx, "INBOX"); ok2 {
		t.Fatal("second lock on the same mailbox succeeded")
	}
	release()
	release2, ok3, _ := s.TryLock(ctx, "INBOX")
	if !ok3 {
		t.Fatal("lock not free after release")
	}
	release2()
}
