package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// openedCase stores one case with one event and returns the case id.
func openedCase(t *testing.T, s *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	var id int64
	err := s.InTx(ctx, func(tx *store.Tx) error {
		c := &store.Case{Ref: "KL-2026-000001", Status: store.StatusReceived, Policy: "awb", Language: "nl",
			ReceivedAt: now, AckDue: deadline.DateOf(now), DecisionDue: deadline.DateOf(now), CreatedAt: now}
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		id = c.ID
		return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "opened"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func eventCount(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM case_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The audit trail refuses UPDATE, DELETE and TRUNCATE with an error that
// says so, also when klachtd.purge is set for the session rather than for
// the transaction, or set to anything but the transaction's own id.
func TestAuditTrailRefusesDeleteAndTruncate(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	id := openedCase(t, s)
	exec := func(stmts ...string) func(*store.Tx) error {
		return func(tx *store.Tx) error {
			for _, q := range stmts {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name string
		fn   func(*store.Tx) error
		want string
	}{
		{"update", exec(`UPDATE case_events SET kind = 'forged'`), "UPDATE is not allowed"},
		{"delete one case", func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM case_events WHERE case_id = $1`, id)
			return err
		}, "DELETE is not allowed"},
		{"delete all", exec(`DELETE FROM case_events`), "DELETE is not allowed"},
		{"truncate", exec(`TRUNCATE case_events`), "TRUNCATE is not allowed"},
		{"truncate with the purge setting", exec(`SELECT set_config('klachtd.purge', pg_current_xact_id()::text, true)`,
			`TRUNCATE case_events`), "TRUNCATE is not allowed"},
		{"delete with a made-up purge setting", exec(`SET LOCAL klachtd.purge = 'on'`, `DELETE FROM case_events`),
			"DELETE is not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.InTx(ctx, tc.fn)
			if err == nil || !strings.Contains(err.Error(), "case_events is append-only: "+tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if n := eventCount(t, s); n != 1 {
				t.Errorf("%d events left, want 1", n)
			}
		})
	}
	// A session-wide setting naming some transaction opens nothing later.
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT set_config('klachtd.purge', pg_current_xact_id()::text, false)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM case_events`); err == nil {
		t.Error("DELETE passed with a session-wide klachtd.purge from an earlier transaction")
	}
}

// The escape hatch the audited purge (internal/records) will use: inside
// one transaction, klachtd.purge set locally to that transaction's id.
func TestAuditTrailPurgeInItsOwnTransaction(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	id := openedCase(t, s)
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('klachtd.purge', pg_current_xact_id()::text, true)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM case_events WHERE case_id = $1`, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := eventCount(t, s); n != 0 {
		t.Errorf("%d events left after the purge, want 0", n)
	}
}
