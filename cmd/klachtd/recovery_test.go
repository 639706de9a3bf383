package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/pgtemp"
	"github.com/klachtd/klachtd/internal/store"
)

// `klachtd status` shows a delivery in flight for longer than its timeout
// (its process died mid-delivery) and exits 1 while there is one.
func TestStatusShowsAStuckDelivery(t *testing.T) {
	h := newHarness(t)
	h.now = time.Now()
	h.smtp.Close() // the acknowledgement stays queued
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 12, 0, 0, deadline.Location()))
	h.runOnce()
	var id int64
	if err := h.d.Store.DB().QueryRow(`SELECT id FROM outbox WHERE kind = 'ack'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KLACHTD_DATABASE_URL", h.cfg.Database.URL)
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"status"}, nil, &out, &errOut)
	if strings.Contains(out.String(), "stuck") {
		t.Fatalf("status shows a stuck delivery before there is one:\n%s", out.String())
	}
	// An instance marked it in flight 5 minutes ago, with a 2 minute timeout, and died.
	if _, err := h.d.Store.ClaimOutbox(context.Background(), id, time.Now().Add(-5*time.Minute), time.Now().Add(-3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"status"}, nil, &out, &errOut); code != 1 || !strings.Contains(out.String(), "deliveries stuck     1") {
		t.Errorf("status exited %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"status", "--json"}, nil, &out, &errOut); code != 1 {
		t.Errorf("status --json exited %d, want 1", code)
	}
	var st struct {
		Outbox   struct{ Stuck int } `json:"outbox"`
		Problems []string            `json:"problems"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || st.Outbox.Stuck != 1 || !strings.Contains(strings.Join(st.Problems, "\n"), "in flight") {
		t.Errorf("status --json = %s (%v)", out.String(), err)
	}
}

// ownCluster starts a PostgreSQL cluster of the test's own, migrated, for a
// test that stops and starts it (the package's shared one serves other
// tests at the same time).
func ownCluster(t *testing.T) *pgtemp.Cluster {
	t.Helper()
	ctx := context.Background()
	cl, err := pgtemp.Start(ctx)
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { cl.Stop() })
	s, err := store.Open(ctx, cl.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return cl
}

// syncBuffer is a log destination for a running daemon.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond, bounded; it never sleeps on a fixed duration to
// let something happen.
func eventually(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
	}
}

// tryCount is count that tolerates a database that is away (-1).
func tryCount(s *store.Store, query string) int {
	var n int
	if err := s.DB().QueryRow(query).Scan(&n); err != nil {
		return -1
	}
	return n
}

// A database restart while the daemon runs: intake comes back within
// seconds of the database (the reconnect waits stay at most 5 s after a
// healthy connection), and the outage is one WARN and one INFO line instead
// of a stream of errors from River and klachtd.
func TestIntakeResumesPromptlyAfterDatabaseRestart(t *testing.T) {
	cl := ownCluster(t)
	h := newHarness(t, "KLACHTD_DATABASE_URL", cl.DSN)
	const outage = 6 // failed connections while the database is away
	var mu sync.Mutex
	var waits []time.Duration
	up := make(chan error, 1)
	var logs syncBuffer
	d := &Daemon{Config: h.cfg, Now: func() time.Time { return h.now }, QueuePoll: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		IMAPSleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			n := len(waits)
			mu.Unlock()
			if n == outage {
				up <- cl.Up(context.Background())
			}
			return ctx.Err()
		}}
	if err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(func() { cancel(); <-done }) }
	defer stop()

	h.deliver(complaint, h.now)
	eventually(t, "the first complaint is taken in", 10*time.Second, func() bool { return tryCount(d.Store, `SELECT count(*) FROM cases`) == 1 })
	if err := cl.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.deliver(strings.Replace(complaint, "complaint-1@", "complaint-2@", 1), h.now)
	select {
	case err := <-up:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the watcher did not retry while the database was down")
	}
	eventually(t, "the second complaint is taken in after the restart", 20*time.Second, func() bool {
		return tryCount(d.Store, `SELECT count(*) FROM cases`) == 2
	})
	eventually(t, "the recovery is logged", 20*time.Second, func() bool { return strings.Contains(logs.String(), "msg=database_recovered") })
	stop()

	mu.Lock()
	defer mu.Unlock()
	var after time.Duration
	for i, w := range waits {
		if w > 5*time.Second {
			t.Errorf("reconnect wait %d = %v, want at most 5s after a healthy connection (all: %v)", i, w, waits)
		}
		if i >= outage-1 {
			after += w
		}
	}
	if after > 10*time.Second {
		t.Errorf("intake waited %v after the database was back, want a few seconds (waits %v)", after, waits)
	}
	got := logs.String()
	defer func() {
		if t.Failed() {
			t.Log(got)
		}
	}()
	if n := strings.Count(got, "msg=database_unavailable"); n != 1 {
		t.Errorf("%d database_unavailable lines, want 1:\n%s", n, got)
	}
	if n := strings.Count(got, "level=ERROR"); n != 0 {
		t.Errorf("%d ERROR lines for an outage that recovered by itself:\n%s", n, got)
	}
}
