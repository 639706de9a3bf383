package mailbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
)

// hangingHandler does not finish Handle on its own, like a database that
// stopped answering: only its context (or the test's release) ends it.
type hangingHandler struct {
	*store
	started     chan struct{}
	release     chan struct{}
	deadline    time.Time
	hasDeadline bool
}

func (h *hangingHandler) Handle(ctx context.Context, m mailbox.Mail) (mailbox.Disposition, error) {
	h.deadline, h.hasDeadline = ctx.Deadline()
	h.started <- struct{}{}
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-h.release:
		return 0, context.Canceled
	}
}

// A Handle in progress outlives the stop (it gets a context without
// cancel), but with a deadline: a hanging Handle cannot hold the shutdown
// longer than the handle timeout (15 s).
func TestStopDuringHangingHandleHasADeadline(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.append(t, rawMail(1, ""))
	h := &hangingHandler{store: f.store, started: make(chan struct{}, 1), release: make(chan struct{})}
	f.opts.Handler = h
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-h.started:
	case <-time.After(guard):
		t.Fatal("Handle not called")
	}
	stopped := time.Now()
	cancel()
	if !h.hasDeadline {
		t.Error("Handle runs without a deadline: a hanging Handle would hold the shutdown forever")
	} else if limit := h.deadline.Sub(stopped); limit > 15*time.Second {
		t.Errorf("Handle may run %v after the stop, want at most 15s", limit)
	}
	close(h.release)
	select {
	case <-done:
	case <-time.After(guard):
		t.Fatal("Run did not return")
	}
}
