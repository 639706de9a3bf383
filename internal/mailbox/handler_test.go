package mailbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"

	"github.com/klachtd/klachtd/internal/mailbox"
)

// store is an in-memory Handler: a map keyed by the hash of the raw bytes,
// with the checkpoint written "in the same transaction".
type store struct {
	mu          sync.Mutex
	cp          map[string]mailbox.Checkpoint
	stored      map[[32]byte]mailbox.Disposition
	handled     []mailbox.Mail // every Handle call that committed, repeats included
	quarantined []mailbox.Mail
	// fail, when set, is consulted before anything is stored.
	fail func(m mailbox.Mail) error
	// block, when set, is waited on inside Handle before the commit, after
	// a send on started.
	block, started chan struct{}
	// calls gets every committed mail; buffered so Handle never blocks on it.
	calls chan mailbox.Mail
}

func newStore() *store {
	return &store{
		cp:     make(map[string]mailbox.Checkpoint),
		stored: make(map[[32]byte]mailbox.Disposition),
		calls:  make(chan mailbox.Mail, 100),
	}
}

func (s *store) Checkpoint(ctx context.Context, name string) (mailbox.Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cp[name], nil
}

func (s *store) Handle(ctx context.Context, m mailbox.Mail) (mailbox.Disposition, error) {
	if s.block != nil {
		s.started <- struct{}{}
		<-s.block
	}
	if s.fail != nil {
		if err := s.fail(m); err != nil {
			return 0, err
		}
	}
	d := mailbox.Processed
	if bytes.Contains(m.Raw, []byte("X-Test: quarantine")) || m.Truncated {
		d = mailbox.Quarantine
	}
	return s.commit(m, d), nil
}

func (s *store) Quarantine(ctx context.Context, m mailbox.Mail, reason error) error {
	if reason == nil {
		return errors.New("no reason")
	}
	s.commit(m, mailbox.Quarantine)
	s.mu.Lock()
	s.quarantined = append(s.quarantined, m)
	s.mu.Unlock()
	return nil
}

// commit stores m unless a mail with the same bytes is stored already, and
// returns the stored disposition.
func (s *store) commit(m mailbox.Mail, d mailbox.Disposition) mailbox.Disposition {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := sha256.Sum256(m.Raw)
	if old, ok := s.stored[key]; ok {
		d = old
	} else {
		s.stored[key] = d
	}
	cp := s.cp[m.Mailbox]
	if cp.UIDValidity != m.UIDValidity {
		cp = mailbox.Checkpoint{UIDValidity: m.UIDValidity}
	}
	cp.LastUID = max(cp.LastUID, m.UID)
	s.cp[m.Mailbox] = cp
	s.handled = append(s.handled, m)
	s.calls <- m
	return d
}

// preload stores raw as if a previous run had committed it.
func (s *store) preload(raw []byte, d mailbox.Disposition, cp mailbox.Checkpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored[sha256.Sum256(raw)] = d
	s.cp["INBOX"] = cp
}

func (s *store) handledUIDs() []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var uids []uint32
	for _, m := range s.handled {
		uids = append(uids, m.UID)
	}
	return uids
}

func (s *store) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.stored)
}

// locker is a Locker with one lock per mailbox in memory.
type locker struct {
	mu   sync.Mutex
	held map[string]bool
}

func (l *locker) TryLock(ctx context.Context, name string) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = make(map[string]bool)
	}
	if l.held[name] {
		return nil, false, nil
	}
	l.held[name] = true
	return func() {
		l.mu.Lock()
		delete(l.held, name)
		l.mu.Unlock()
	}, true, nil
}

var _ mailbox.Handler = (*store)(nil)
var _ mailbox.Locker = (*locker)(nil)

func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
