package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// The caps' lock is taken once per transaction, but a lock taken inside a
// savepoint that is rolled back is released by PostgreSQL: the next count
// in the same transaction takes it again, so a batch's mails still count
// under the lock after one of them failed.
func TestCapsLockSurvivesARolledBackSavepoint(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	held := func(tx *store.Tx) int {
		t.Helper()
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND $1`, true); err != nil {
			t.Fatal(err)
		}
		return n
	}
	count := func(tx *store.Tx) {
		t.Helper()
		if _, err := tx.CountAutoAnswers(ctx, "ack", "a@x.example", "x.example", now, now); err != nil {
			t.Fatal(err)
		}
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.Savepoint(ctx); err != nil {
			return err
		}
		count(tx)
		if got := held(tx); got != 1 {
			t.Fatalf("%d advisory locks held after the count, want 1", got)
		}
		if err := tx.RollbackTo(ctx); err != nil {
			return err
		}
		if got := held(tx); got != 0 {
			t.Fatalf("%d advisory locks held after the rollback to the savepoint, want 0", got)
		}
		if err := tx.Savepoint(ctx); err != nil {
			return err
		}
		count(tx)
		if err := tx.Release(ctx); err != nil {
			return err
		}
		count(tx) // held: not taken twice
		if got := held(tx); got != 1 {
			t.Fatalf("%d advisory locks held after the second count, want 1 (taken again)", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
