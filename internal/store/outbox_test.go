package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// ClaimOutbox marks a queued row in flight and hands back the mark it had
// before (the WARN about an interrupted delivery depends on it); it leaves
// a row that is no longer queued alone, and tells a missing one apart.
func TestClaimOutbox(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	m := &store.OutboxMail{Kind: "ack", MessageID: "<a@klachtd>", MailFrom: "klachten@x.example",
		Rcpt: []string{"jan@example.nl"}, Raw: []byte("Subject: a\r\n\r\na\r\n"), CreatedAt: t0}
	if err := s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertOutbox(ctx, m); return err }); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimOutbox(ctx, m.ID, t0, t0.Add(time.Minute))
	if err != nil || got.SendingSince.Valid || string(got.Raw) != string(m.Raw) || got.Rcpt[0] != "jan@example.nl" {
		t.Fatalf("first claim = %+v, %v; want the row, never in flight before", got, err)
	}
	// The attempt was cut off: the next claim sees its mark, and sets its own.
	t1 := t0.Add(5 * time.Minute)
	got, err = s.ClaimOutbox(ctx, m.ID, t1, t1.Add(time.Minute))
	if err != nil || !got.SendingSince.Valid || !got.SendingSince.Time.Equal(t0) {
		t.Fatalf("second claim = %+v, %v; want the first attempt's mark %v", got, err, t0)
	}
	if now, _ := s.OutboxMail(ctx, m.ID); !now.SendingSince.Time.Equal(t1) || now.Status != store.OutboxQueued {
		t.Errorf("after the second claim: in flight since %v, status %s; want %v, queued", now.SendingSince.Time, now.Status, t1)
	}
	if err := s.MarkSent(ctx, m.ID, t1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimOutbox(ctx, m.ID, t1, t1); !errors.Is(err, store.ErrNotQueued) {
		t.Errorf("claim of a sent row = %v, want ErrNotQueued", err)
	}
	if sent, _ := s.OutboxMail(ctx, m.ID); sent.SendingSince.Valid || sent.Status != store.OutboxSent || sent.Attempts != 1 {
		t.Errorf("a sent row was changed by a claim: %+v", sent)
	}
	if _, err := s.ClaimOutbox(ctx, m.ID+1000, t1, t1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("claim of a missing row = %v, want ErrNotFound", err)
	}
}

// The outbox leaves room on its pages for the two updates of a delivery
// (migration 0019), so that they are HOT updates.
func TestOutboxLeavesRoomForHOTUpdates(t *testing.T) {
	s := storetest.New(t)
	var opts []string
	err := s.DB().QueryRowContext(context.Background(),
		`SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = 'outbox'::regclass`).Scan(pq.Array(&opts))
	if err != nil || len(opts) != 1 || opts[0] != "fillfactor=50" {
		t.Errorf("outbox storage options %v (%v), want fillfactor=50", opts, err)
	}
}

// ClaimOutboxAfterSent marks one row sent and claims another in one
// statement; the mark is written also when the other row is no longer
// queued.
func TestClaimOutboxAfterSent(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var ids []int64
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for i := range 3 {
			m := &store.OutboxMail{Kind: "ack", MessageID: fmt.Sprintf("after-%d@x", i), MailFrom: "k@x", Rcpt: []string{"a@x"},
				Raw: []byte("x"), CreatedAt: now}
			if _, err := tx.InsertOutbox(ctx, m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimOutbox(ctx, ids[0], now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	m, err := s.ClaimOutboxAfterSent(ctx, ids[0], now, ids[1], now, now.Add(time.Minute))
	if err != nil || m.ID != ids[1] {
		t.Fatalf("claim after sent: %+v, %v", m, err)
	}
	if got, _ := s.OutboxMail(ctx, ids[0]); got.Status != store.OutboxSent || got.SendingSince.Valid {
		t.Errorf("the first row is %s (in flight %v), want sent", got.Status, got.SendingSince.Valid)
	}
	if err := s.MarkAttemptFailed(ctx, ids[2], now, "550", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimOutboxAfterSent(ctx, ids[1], now, ids[2], now, now.Add(time.Minute)); !errors.Is(err, store.ErrNotQueued) {
		t.Fatalf("claiming a failed row: %v, want ErrNotQueued", err)
	}
	if got, _ := s.OutboxMail(ctx, ids[1]); got.Status != store.OutboxSent {
		t.Errorf("the second row is %s, want sent although the third could not be claimed", got.Status)
	}
}
