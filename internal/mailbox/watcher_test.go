package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
)

// guard bounds how long a test waits for something that should happen at
// once; it is never slept on.
const guard = 10 * time.Second

var delivered = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func rawMail(n int, extra string) []byte {
	return fmt.Appendf(nil, "From: klager%d@example.nl\r\nTo: klachten@example.org\r\n"+
		"Subject: Klacht %d\r\nMessage-ID: <%d@example.nl>\r\n%s\r\nMijn klacht nummer %d.\r\n", n, n, n, extra, n)
}

type fixture struct {
	srv   *mailboxtest.MemServer
	store *store
	opts  mailbox.Options
}

func newFixture(t *testing.T, mo mailboxtest.MemOptions) *fixture {
	t.Helper()
	srv := mailboxtest.StartMemServer(t, mo)
	st := newStore()
	return &fixture{srv: srv, store: st, opts: mailbox.Options{
		Address:        srv.Addr,
		TLS:            srv.Account.TLS,
		TLSConfig:      srv.ClientTLS,
		Username:       srv.Username,
		Password:       srv.Password,
		Handler:        st,
		CommandTimeout: guard,
		Logger:         testLogger(t),
		Sleep:          func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	}}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (f *fixture) append(t *testing.T, raws ...[]byte) {
	t.Helper()
	for _, raw := range raws {
		if _, err := f.srv.Append("INBOX", raw, delivered); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) watcher(t *testing.T) *mailbox.Watcher {
	t.Helper()
	w, err := mailbox.New(f.opts)
	mustNoErr(t, err)
	return w
}

func (f *fixture) once(t *testing.T) int {
	t.Helper()
	n, err := f.watcher(t).Once(context.Background())
	mustNoErr(t, err)
	return n
}

func (f *fixture) list(t *testing.T, name string) []mailboxtest.Message {
	t.Helper()
	msgs, err := f.srv.List(name)
	mustNoErr(t, err)
	return msgs
}

func (f *fixture) wantCounts(t *testing.T, inbox, processed, quarantine int) {
	t.Helper()
	for name, want := range map[string]int{"INBOX": inbox, "Processed": processed, "Quarantine": quarantine} {
		if got := len(f.list(t, name)); got != want {
			t.Errorf("%s holds %d mails, want %d", name, got, want)
		}
	}
}

func TestOnceHandlesInOrderAndMoves(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.append(t, rawMail(1, ""), rawMail(2, ""), rawMail(3, ""))
	if n := f.once(t); n != 3 {
		t.Fatalf("Once handled %d mails, want 3", n)
	}
	if got := f.store.handledUIDs(); !slices.Equal(got, []uint32{1, 2, 3}) {
		t.Errorf("handled UIDs %v, want [1 2 3]", got)
	}
	f.wantCounts(t, 0, 3, 0)
	m := f.store.handled[0]
	if !m.InternalDate.Equal(delivered) || m.Mailbox != "INBOX" || m.UIDValidity == 0 || m.Truncated {
		t.Errorf("mail handed over as %+v", m)
	}
	if !bytes.Equal(m.Raw, rawMail(1, "")) {
		t.Errorf("raw bytes changed: %q", m.Raw)
	}
	for _, p := range f.list(t, "Processed") {
		if p.Seen() {
			t.Errorf("uid %d got \\Seen: the body must be fetched with PEEK", p.UID)
		}
	}
	if n := f.once(t); n != 0 {
		t.Errorf("second Once handled %d mails, want 0", n)
	}
}

func TestFoldersCreated(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.once(t)
	names, err := f.srv.Mailboxes()
	mustNoErr(t, err)
	if !slices.Equal(names, []string{"INBOX", "Processed", "Quarantine"}) {
		t.Errorf("folders %v", names)
	}
	f.opts.ProcessedMailbox, f.opts.QuarantineMailbox = "klachtd/Verwerkt", "klachtd/Quarantaine"
	f.append(t, rawMail(1, ""))
	f.once(t)
	if got := len(f.list(t, "klachtd/Verwerkt")); got != 1 {
		t.Errorf("configured processed folder holds %d mails, want 1", got)
	}
}

func TestQuarantineDisposition(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.append(t, rawMail(1, ""), rawMail(2, "X-Test: quarantine\r\n"), rawMail(3, ""))
	f.once(t)
	f.wantCounts(t, 0, 2, 1)
}

// TestCrashBetweenCommitAndMove: the store committed mails 1 and 2 but the
// daemon died before moving them. They are handed over again (the store
// dedupes and answers the stored disposition) and moved; nothing stays.
func TestCrashBetweenCommitAndMove(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.append(t, rawMail(1, ""), rawMail(2, ""), rawMail(3, ""))
	f.store.preload(rawMail(1, ""), mailbox.Processed, mailbox.Checkpoint{UIDValidity: 1, LastUID: 2})
	f.store.preload(rawMail(2, ""), mailbox.Quarantine, mailbox.Checkpoint{UIDValidity: 1, LastUID: 2})
	f.once(t)
	if got := f.store.handledUIDs(); !slices.Equal(got, []uint32{1, 2, 3}) {
		t.Errorf("handled UIDs %v, want [1 2 3]", got)
	}
	if got := f.store.count(); got != 3 {
		t.Errorf("store holds %d mails, want 3", got)
	}
	f.wantCounts(t, 0, 2, 1)
}

// TestStopDuringHandle: ctx ends while Handle runs. The Handle completes,
// Run returns nil; the next run dedupes and moves: no duplicate, nothing left.
func TestStopDuringHandle(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.append(t, rawMail(1, ""), rawMail(2, ""))
	f.store.block, f.store.started = make(chan struct{}), make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-f.store.started:
	case <-time.After(guard):
		t.Fatal("Handle not called")
	}
	cancel()
	close(f.store.block) // the Handle in hand completes after the cancel
	select {
	case err := <-done:
		mustNoErr(t, err)
	case <-time.After(guard):
		t.Fatal("Run did not return after cancel")
	}
	if got := f.store.handledUIDs(); !slices.Equal(got, []uint32{1}) {
		t.Errorf("handled before stopping: %v, want [1]", got)
	}
	f.store.block = nil
	f.once(t)
	if got := f.store.count(); got != 2 {
		t.Errorf("store holds %d mails, want 2", got)
	}
	f.wantCounts(t, 0, 2, 0)
}

func TestUIDValidityChangeRescans(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}})
	f.once(t)
	// A re-created INBOX gets a new UIDVALIDITY and starts again at UID 1.
	mustNoErr(t, f.srv.User.Delete("INBOX"))
	mustNoErr(t, f.srv.User.Create("INBOX", nil))
	f.append(t, rawMail(1, ""))
	// uid 1 is flagged \Deleted: with the old UIDVALIDITY's checkpoint it
	// would look like our own interrupted COPY + EXPUNGE and only be expunged.
	c, err := f.srv.Dial()
	mustNoErr(t, err)
	_, err = c.Select("INBOX", nil).Wait()
	mustNoErr(t, err)
	mustNoErr(t, c.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close())
	c.Close()
	f.store.preload(nil, 0, mailbox.Checkpoint{UIDValidity: 1, LastUID: 50})

	f.once(t)
	if got := f.store.handledUIDs(); !slices.Equal(got, []uint32{1}) {
		t.Errorf("handled UIDs %v, want [1]", got)
	}
	if cp, _ := f.store.Checkpoint(context.Background(), "INBOX"); cp.UIDValidity == 1 || cp.LastUID != 1 {
		t.Errorf("checkpoint %+v, want the new UIDVALIDITY, last uid 1", cp)
	}
	f.wantCounts(t, 0, 1, 0)
}

// TestCopyFallback: without MOVE a mail is copied, flagged and expunged, with
// UID EXPUNGE (UIDPLUS) or a guarded plain EXPUNGE.
func TestCopyFallback(t *testing.T) {
	for name, caps := range map[string]imap.CapSet{
		"uidplus":    {imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
		"no uidplus": {imap.CapIMAP4rev1: {}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, mailboxtest.MemOptions{Caps: caps})
			f.append(t, rawMail(1, ""), rawMail(2, "X-Test: quarantine\r\n"), rawMail(3, ""))
			if n := f.once(t); n != 3 {
				t.Errorf("Once handled %d, want 3", n)
			}
			f.wantCounts(t, 0, 2, 1)
		})
	}
}

// TestLeftoverDeletedIsExpunged: without MOVE, a crash after COPY + \Deleted
// leaves a flagged copy behind; it is expunged, not handled or copied again.
func TestLeftoverDeletedIsExpunged(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}})
	f.append(t, rawMail(1, ""))
	f.once(t)
	mustNoErr(t, f.srv.AppendIMAP("INBOX", rawMail(1, ""), delivered)) // uid 2, as if COPY had run
	c, err := f.srv.Dial()
	mustNoErr(t, err)
	_, err = c.Select("INBOX", nil).Wait()
	mustNoErr(t, err)
	mustNoErr(t, c.Store(imap.UIDSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close())
	c.Close()
	f.store.preload(rawMail(1, ""), mailbox.Processed, mailbox.Checkpoint{UIDValidity: 1, LastUID: 2})
	f.once(t)
	if got := f.store.handledUIDs(); !slices.Equal(got, []uint32{1}) {
		t.Errorf("handled UIDs %v, want only the first run's [1]", got)
	}
	f.wantCounts(t, 0, 1, 0)
}

// TestHandleErrorStopsBatch: a failing mail stays, and so do the mails after
// it (the checkpoint never skips one); after MaxAttempts it is quarantined
// and the queue goes on.
func TestHandleErrorStopsBatch(t *testing.T) {
	for name, fail := range map[string]func(m mailbox.Mail) error{
		"error": func(m mailbox.Mail) error {
			if m.UID == 2 {
				return errors.New("database says no")
			}
			return nil
		},
		"panic": func(m mailbox.Mail) error {
			if m.UID == 2 {
				panic("parser bug")
			}
			return nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, mailboxtest.MemOptions{})
			f.store.fail = fail
			f.append(t, rawMail(1, ""), rawMail(2, ""), rawMail(3, ""))
			w := f.watcher(t)
			for attempt := 1; attempt < mailbox.DefaultMaxAttempts; attempt++ {
				n, err := w.Once(context.Background())
				if err == nil || n != 1 && attempt == 1 || n != 0 && attempt > 1 {
					t.Fatalf("attempt %d: Once = %d, %v; want an error after handling what comes before", attempt, n, err)
				}
				f.wantCounts(t, 2, 1, 0)
			}
			n, err := w.Once(context.Background())
			mustNoErr(t, err)
			if n != 2 {
				t.Errorf("last Once handled %d, want 2", n)
			}
			f.wantCounts(t, 0, 2, 1)
			if len(f.store.quarantined) != 1 || f.store.quarantined[0].UID != 2 {
				t.Errorf("quarantined %v, want uid 2", f.store.quarantined)
			}
		})
	}
}

func TestOversizeMailTruncated(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	small := rawMail(2, "")
	max := len(small) + 10
	f.opts.MaxMessageBytes = int64(max)
	big := rawMail(1, "X-Padding: "+strings.Repeat("x", 500)+"\r\n")
	f.append(t, small, big)
	f.once(t)
	got, trunc := f.store.handled[0], f.store.handled[1]
	if got.Truncated || !bytes.Equal(got.Raw, small) {
		t.Errorf("small mail: truncated %v, %d bytes", got.Truncated, len(got.Raw))
	}
	if !trunc.Truncated || !bytes.Equal(trunc.Raw, big[:max]) || trunc.Size != int64(len(big)) {
		t.Errorf("big mail: truncated %v, %d bytes, size %d", trunc.Truncated, len(trunc.Raw), trunc.Size)
	}
	f.wantCounts(t, 0, 1, 1)
}

func TestIdleWakesUp(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.opts.PollInterval = time.Hour // only IDLE can make this test pass in time
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	for i := 1; i <= 3; i++ {
		f.append(t, rawMail(i, ""))
		select {
		case m := <-f.store.calls:
			if m.UID != uint32(i) {
				t.Fatalf("handled uid %d, want %d", m.UID, i)
			}
		case <-time.After(guard):
			t.Fatalf("mail %d not handled: IDLE did not wake the watcher", i)
		}
	}
	// Let the last move finish before stopping: a cancel in the middle of
	// a MOVE may leave a copy in both folders (harmless: the next run
	// dedupes), which would make the counts below racy.
	f.waitInboxEmpty(t)
	cancel()
	mustNoErr(t, <-done)
	f.wantCounts(t, 0, 3, 0)
	if got := f.store.count(); got != 3 {
		t.Errorf("store holds %d mails, want 3", got)
	}
}

// waitInboxEmpty waits (up to guard) until every mail has left INBOX.
func (f *fixture) waitInboxEmpty(t *testing.T) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	limit := time.After(guard)
	for len(f.list(t, "INBOX")) > 0 {
		select {
		case <-tick.C:
		case <-limit:
			t.Fatal("mails still in INBOX")
		}
	}
}

func TestTrigger(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}}})
	f.opts.PollInterval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	f.append(t, rawMail(1, ""))
	w.Trigger()
	select {
	case <-f.store.calls:
	case <-time.After(guard):
		t.Fatal("mail not handled after Trigger")
	}
	cancel()
	mustNoErr(t, <-done)
}

func TestLocked(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	l := &locker{}
	release, _, _ := l.TryLock(context.Background(), "INBOX")
	f.opts.Locker = l
	f.append(t, rawMail(1, ""))
	if _, err := f.watcher(t).Once(context.Background()); !errors.Is(err, mailbox.ErrLocked) {
		t.Fatalf("Once = %v, want ErrLocked", err)
	}
	// Run waits (through Sleep) until the other instance lets go.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waits := 0
	f.opts.Sleep = func(ctx context.Context, d time.Duration) error {
		if waits++; waits == 2 {
			release()
		}
		return ctx.Err()
	}
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-f.store.calls:
	case <-time.After(guard):
		t.Fatal("mail not handled after the lock was released")
	}
	cancel()
	mustNoErr(t, <-done)
	if waits < 2 {
		t.Errorf("waited %d times for the lock", waits)
	}
}

// TestRunReconnects: when the server drops the connection, Run backs off
// and reconnects, and goes on with new mail.
func TestRunReconnects(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.opts.PollInterval = time.Hour
	reconnects := make(chan time.Duration, 10)
	f.opts.Sleep = func(ctx context.Context, d time.Duration) error {
		reconnects <- d
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	w := f.watcher(t)
	go func() { done <- w.Run(ctx) }()
	for i := 1; i <= 2; i++ {
		f.append(t, rawMail(i, ""))
		for handled := false; !handled; { // mail 1 may be seen again after the restart
			select {
			case m := <-f.store.calls:
				handled = m.UID == uint32(i)
			case <-time.After(guard):
				t.Fatalf("mail %d not handled", i)
			}
		}
		if i == 1 {
			mustNoErr(t, f.srv.Restart())
			select {
			case <-reconnects:
			case <-time.After(guard):
				t.Fatal("no reconnect after the server restarted")
			}
		}
	}
	cancel()
	mustNoErr(t, <-done)
}
