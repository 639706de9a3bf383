package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// Watcher watches one mailbox and hands its mails to the Handler.
type Watcher struct {
	o       Options
	log     *slog.Logger
	trigger chan struct{}
	// failures counts consecutive Handle failures per mail; only the
	// goroutine running Run or Once touches it.
	failures map[failKey]int
	reconn   reconnects
	// seen, when set, is called when the server's EXISTS wakes the
	// watcher from IDLE (see SeenNewMail).
	seen func()
	// window is how many UIDs a pass lists at once (windowUIDs; tests
	// make it small); onWindow, when set, is told how many mails each
	// listing held.
	window   uint32
	onWindow func(metas int)
}

type failKey struct{ uidValidity, uid uint32 }

// New validates o and returns a Watcher; nothing is dialled yet.
func New(o Options) (*Watcher, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Watcher{
		o:        o,
		log:      o.Logger.With(slog.String("mailbox", o.Mailbox), slog.String("address", o.Address)),
		trigger:  make(chan struct{}, 1),
		failures: make(map[failKey]int),
		window:   windowUIDs,
	}, nil
}

// Trigger asks a running Run to check the mailbox now instead of at the next
// IDLE notification or poll. It never blocks.
func (w *Watcher) Trigger() { signal(w.trigger) }

// SeenNewMail sets f to be called each time the server's EXISTS wakes the
// watcher from IDLE, before the pass that fetches the new mail. The intake
// benchmark uses it to split acknowledgement latency into the server's and
// the daemon's share. Call it before Run.
func (w *Watcher) SeenNewMail(f func()) { w.seen = f }

// Run watches the mailbox until ctx is done, then returns nil. Every error
// (connection, server, Locker, Handler) is logged and followed by a
// reconnect after a backoff. A Handle in progress when ctx ends completes
// first; the move after it may be left to the next run.
func (w *Watcher) Run(ctx context.Context) error {
	for {
		err := w.runLocked(ctx)
		if ctx.Err() != nil {
			return nil
		}
		d := w.failed(err)
		w.check(err)
		if w.o.Sleep(ctx, d) != nil {
			return nil
		}
	}
}

// runLocked takes the lock, waiting while another instance holds it, and
// watches until an error.
func (w *Watcher) runLocked(ctx context.Context) error {
	release, err := w.lock(ctx)
	for errors.Is(err, ErrLocked) {
		w.log.Debug("mailbox_locked_elsewhere")
		if err := w.o.Sleep(ctx, min(w.o.PollInterval, lockRetry)); err != nil {
			return err
		}
		release, err = w.lock(ctx)
	}
	if err != nil {
		return err
	}
	defer release()
	return w.watch(ctx)
}

// Once connects, processes everything pending, and logs out. It returns how
// many mails were handed to the Handler and moved, and ErrLocked when another
// instance holds the mailbox.
func (w *Watcher) Once(ctx context.Context) (int, error) {
	release, err := w.lock(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	s, err := w.open(ctx)
	if err != nil {
		w.check(err)
		return 0, err
	}
	defer s.close()
	n, err := s.pass(ctx)
	w.check(err)
	if err != nil {
		return n, err
	}
	return n, s.logout()
}

// check reports the outcome of a look at the mailbox to Options.OnCheck.
func (w *Watcher) check(err error) {
	if w.o.OnCheck != nil {
		w.o.OnCheck(err)
	}
}

func (w *Watcher) lock(ctx context.Context) (func(), error) {
	if w.o.Locker == nil {
		return func() {}, nil
	}
	release, ok, err := w.o.Locker.TryLock(ctx, w.o.Mailbox)
	if err != nil {
		return nil, fmt.Errorf("mailbox: lock: %w", err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return release, nil
}

// watch is one connection: process what is pending, wait for more, repeat.
func (w *Watcher) watch(ctx context.Context) error {
	s, err := w.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	for {
		if _, err := s.pass(ctx); err != nil {
			return err
		}
		w.check(nil)
		w.madeProgress()
		if err := s.wait(ctx); err != nil || ctx.Err() != nil {
			return err // on ctx, the connection is closed already
		}
	}
}
