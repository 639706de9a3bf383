package mailbox_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
)

// cutAfterStore is a Handler whose connection is cut right after each of the
// first mails commits, as a flaky network does while a backlog drains: once
// per connection (a pass starts with Checkpoint), since the mails after the
// cut in the same batch are stored too and only their move fails.
type cutAfterStore struct {
	*store
	srv       *mailboxtest.MemServer
	mu        sync.Mutex
	cut       map[uint32]bool
	cuts      int
	cutInPass bool
}

func (c *cutAfterStore) Checkpoint(ctx context.Context, name string) (mailbox.Checkpoint, error) {
	c.mu.Lock()
	c.cutInPass = false
	c.mu.Unlock()
	return c.store.Checkpoint(ctx, name)
}

func (c *cutAfterStore) Handle(ctx context.Context, m mailbox.Mail) (mailbox.Disposition, error) {
	d, err := c.store.Handle(ctx, m)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && !c.cut[m.UID] && len(c.cut) < c.cuts && !c.cutInPass {
		c.cut[m.UID], c.cutInPass = true, true
		if err := c.srv.Restart(); err != nil {
			return d, err
		}
	}
	return d, err
}

// downStore is a Handler whose database is away while down is set.
type downStore struct {
	*store
	down atomic.Bool
}

func (d *downStore) Checkpoint(ctx context.Context, name string) (mailbox.Checkpoint, error) {
	if d.down.Load() {
		return mailbox.Checkpoint{}, errors.New("database down")
	}
	return d.store.Checkpoint(ctx, name)
}

// processed counts the mails in Processed, not while the server restarts.
func (c *cutAfterStore) processed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	msgs, _ := c.srv.List("Processed")
	return len(msgs)
}

// waitProcessed polls (bounded) until n mails are in Processed.
func (f *fixture) waitProcessed(t *testing.T, n int) {
	t.Helper()
	f.waitFor(t, n, func() int {
		msgs, _ := f.srv.List("Processed") // not there until the watcher creates it
		return len(msgs)
	})
}

func (f *fixture) waitFor(t *testing.T, n int, processed func() int) {
	t.Helper()
	for deadline := time.Now().Add(guard); processed() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d mails processed, want %d", processed(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runWatcher runs a watcher whose reconnect waits are recorded instead of
// slept, and returns a func that stops it and hands back the waits.
func (f *fixture) runWatcher(t *testing.T, onWait func(n int)) func() []time.Duration {
	t.Helper()
	var mu sync.Mutex
	var waits []time.Duration
	f.opts.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		n := len(waits)
		mu.Unlock()
		if onWait != nil {
			onWait(n)
		}
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			mustNoErr(t, <-done)
		})
	}
	t.Cleanup(stop)
	return func() []time.Duration {
		stop()
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

// A connection that stored a mail made progress: when it is cut, the next
// wait starts at a second again, however often that happens while a backlog
// drains (the old rule reset only after reaching IDLE: 1, 2, 4, 8 s…).
func TestBackoffStartsSmallAfterProgress(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.opts.PollInterval = time.Hour
	h := &cutAfterStore{store: f.store, srv: f.srv, cut: map[uint32]bool{}, cuts: 4}
	f.opts.Handler = h
	f.append(t, rawMail(1, ""), rawMail(2, ""), rawMail(3, ""), rawMail(4, ""), rawMail(5, ""))
	stop := f.runWatcher(t, nil)
	f.waitFor(t, 5, h.processed)
	waits := stop()
	if len(waits) < 4 {
		t.Fatalf("%d reconnects, want one per cut (4)", len(waits))
	}
	for i, d := range waits {
		if d > time.Second {
			t.Errorf("wait %d after a connection that stored a mail = %v, want at most 1s", i, d)
		}
	}
}

// After a healthy connection, an outage (here the database: every pass
// fails at the checkpoint) is retried at most 5 s apart, so that intake is
// back within seconds after it ends; the old backoff went 1, 2, 4, 8, 16,
// 32 s… and left intake waiting up to a minute after the database was back.
func TestBackoffCappedLowAfterAHealthyConnection(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.opts.PollInterval = time.Hour
	h := &downStore{store: f.store}
	f.opts.Handler = h
	const outage = 8 // failed connections before the database is back
	stop := f.runWatcher(t, func(n int) {
		if n == outage {
			h.down.Store(false)
		}
	})
	f.append(t, rawMail(1, ""))
	f.waitProcessed(t, 1)
	h.down.Store(true)
	f.append(t, rawMail(2, "")) // IDLE wakes the watcher: the pass fails
	f.waitProcessed(t, 2)
	waits := stop()
	if len(waits) != outage {
		t.Fatalf("%d waits, want %d: %v", len(waits), outage, waits)
	}
	var sum time.Duration
	for i, d := range waits {
		hi := min(time.Second<<i, 5*time.Second)
		if d <= hi/2 || d > hi {
			t.Errorf("wait %d = %v, want in (%v, %v]", i, d, hi/2, hi)
		}
		sum += d
	}
	if sum > 40*time.Second {
		t.Errorf("waited %v in all for an outage of %d tries", sum, outage)
	}
}

// A standby instance asks for the lock every 5 s, not every PollInterval
// (60 s by default): when the instance that holds it dies, intake moves over
// within seconds.
func TestStandbyAsksForTheLockOften(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	l := &locker{}
	release, _, _ := l.TryLock(context.Background(), "INBOX")
	f.opts.Locker = l
	f.append(t, rawMail(1, ""))
	stop := f.runWatcher(t, func(n int) {
		if n == 3 {
			release() // the holder died
		}
	})
	f.waitProcessed(t, 1)
	waits := stop()
	if len(waits) < 3 {
		t.Fatalf("%d waits for the lock, want 3", len(waits))
	}
	for i, d := range waits[:3] {
		if d > 5*time.Second {
			t.Errorf("wait %d for the lock = %v, want at most 5s", i, d)
		}
	}
}
