package mailbox_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
)

// batchStore is the test store as a BatchHandler: every mail of a batch
// is handled in turn, a failure stays with its mail.
type batchStore struct{ *store }

func (b batchStore) HandleBatch(ctx context.Context, ms []mailbox.Mail) ([]mailbox.Result, error) {
	res := make([]mailbox.Result, len(ms))
	for i, m := range ms {
		res[i].Disposition, res[i].Err = b.Handle(ctx, m)
	}
	return res, nil
}

// listings records how many mails each window of a pass listed.
type listings struct{ n []int }

func (l *listings) add(metas int) { l.n = append(l.n, metas) }

func (l *listings) max() int {
	if len(l.n) == 0 {
		return 0
	}
	return slices.Max(l.n)
}

// windowed is a Watcher on f whose passes list window UIDs at a time.
func (f *fixture) windowed(t *testing.T, window uint32) (*mailbox.Watcher, *listings) {
	t.Helper()
	w := f.watcher(t)
	l := &listings{}
	mailbox.SetWindow(w, window, l.add)
	return w, l
}

func (f *fixture) appendN(t *testing.T, from, to int) {
	t.Helper()
	f.store.calls = make(chan mailbox.Mail, 2*(to-from+1)+100)
	for i := from; i <= to; i++ {
		extra := ""
		if i%7 == 0 {
			extra = "X-Test: quarantine\r\n"
		}
		f.append(t, rawMail(i, extra))
	}
}

func uidsFromTo(from, to uint32) []uint32 {
	var uids []uint32
	for u := from; u <= to; u++ {
		uids = append(uids, u)
	}
	return uids
}

// TestPassWorksInWindows: a backlog many times the window is handed over
// in UID order, including the mails at or below the checkpoint (committed
// by a run that crashed before moving them), with never more than a
// window of mails listed at once; with and without a BatchHandler.
func TestPassWorksInWindows(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(map[bool]string{false: "handle", true: "batch"}[batch], func(t *testing.T) {
			f := newFixture(t, mailboxtest.MemOptions{})
			if batch {
				f.opts.Handler = batchStore{f.store}
			}
			f.appendN(t, 1, 95)
			for i := 1; i <= 30; i++ {
				f.store.preload(rawMail(i, ""), mailbox.Processed, mailbox.Checkpoint{UIDValidity: 1, LastUID: 30})
			}
			w, l := f.windowed(t, 10)
			n, err := w.Once(context.Background())
			mustNoErr(t, err)
			if n != 95 {
				t.Errorf("Once handled %d mails, want 95", n)
			}
			if got := f.store.handledUIDs(); !slices.Equal(got, uidsFromTo(1, 95)) {
				t.Errorf("handled UIDs %v, want 1..95 in order", got)
			}
			if l.max() > 10 || len(l.n) < 10 {
				t.Errorf("listings %v: want at least 10, none over the window of 10", l.n)
			}
			f.wantCounts(t, 0, 95-13, 13)
		})
	}
}

// TestPassBoundedByDefaultWindow: with the real window, a backlog of more
// than two windows is never listed more than a window at a time (the old
// pass listed the whole mailbox first).
func TestPassBoundedByDefaultWindow(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.opts.Handler = batchStore{f.store}
	total := 2*mailbox.WindowUIDs + 5
	f.appendN(t, 1, total)
	w := f.watcher(t)
	l := &listings{}
	mailbox.SetWindow(w, mailbox.WindowUIDs, l.add)
	n, err := w.Once(context.Background())
	mustNoErr(t, err)
	if n != total {
		t.Errorf("Once handled %d mails, want %d", n, total)
	}
	if !slices.Equal(l.n, []int{mailbox.WindowUIDs, mailbox.WindowUIDs, 5}) {
		t.Errorf("listings %v, want two full windows and 5", l.n)
	}
	if got := f.store.handledUIDs(); !slices.Equal(got, uidsFromTo(1, uint32(total))) {
		t.Errorf("handled %d UIDs, not 1..%d in order", len(got), total)
	}
}

// TestPassJumpsGaps: where another client took many mails out, the pass
// does not walk the empty UIDs window by window: one search finds the next
// mail (ESEARCH MIN, or a plain UID SEARCH).
func TestPassJumpsGaps(t *testing.T) {
	for name, caps := range map[string]imap.CapSet{
		"esearch":    {imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapESearch: {}},
		"no esearch": mailboxtest.DefaultCaps(),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, mailboxtest.MemOptions{Caps: caps})
			f.appendN(t, 1, 300)
			c, err := f.srv.Dial()
			mustNoErr(t, err)
			_, err = c.Select("INBOX", nil).Wait()
			mustNoErr(t, err)
			gone := imap.UIDSet{imap.UIDRange{Start: 11, Stop: 280}}
			mustNoErr(t, c.Store(gone, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close())
			mustNoErr(t, c.Expunge().Close())
			c.Close()
			w, l := f.windowed(t, 10)
			n, err := w.Once(context.Background())
			mustNoErr(t, err)
			want := append(uidsFromTo(1, 10), uidsFromTo(281, 300)...)
			if got := f.store.handledUIDs(); n != 30 || !slices.Equal(got, want) {
				t.Errorf("Once = %d, handled %v; want 30: 1..10 and 281..300", n, got)
			}
			if !slices.Equal(l.n, []int{10, 0, 10, 10}) {
				t.Errorf("listings %v, want [10 0 10 10]: one empty window, then a jump over the gap", l.n)
			}
			f.wantCounts(t, 0, 30-3, 3) // 7, 287 and 294
		})
	}
}

// TestFailureInALaterWindowStopsThePass: a failing mail in the third window
// stops the pass there: the other mails of its transaction (26..30) commit
// and move, the mails after it stay (so the checkpoint skips nothing), and
// after MaxAttempts it is quarantined and the rest go on.
func TestFailureInALaterWindowStopsThePass(t *testing.T) {
	f := newFixture(t, mailboxtest.MemOptions{})
	f.opts.Handler = batchStore{f.store}
	f.store.fail = func(m mailbox.Mail) error {
		if m.UID == 25 {
			return errors.New("database says no")
		}
		return nil
	}
	f.appendN(t, 1, 40)
	w, _ := f.windowed(t, 10)
	n, err := w.Once(context.Background())
	if err == nil || n != 29 {
		t.Fatalf("first Once = %d, %v; want 29 and an error", n, err)
	}
	if got := f.list(t, "INBOX"); len(got) != 11 || got[0].UID != 25 || got[1].UID != 31 {
		t.Fatalf("INBOX holds %d mails, want 25 and 31..40", len(got))
	}
	for attempt := 2; attempt < mailbox.DefaultMaxAttempts; attempt++ {
		if n, err := w.Once(context.Background()); err == nil || n != 0 {
			t.Fatalf("attempt %d: Once = %d, %v; want 0 and an error", attempt, n, err)
		}
	}
	n, err = w.Once(context.Background())
	mustNoErr(t, err)
	if n != 11 {
		t.Errorf("last Once handled %d, want 11", n)
	}
	if len(f.store.quarantined) != 1 || f.store.quarantined[0].UID != 25 {
		t.Errorf("quarantined %v, want uid 25", f.store.quarantined)
	}
	f.wantCounts(t, 0, 40-6, 6) // 7, 14, 21, 28, 35 and 25
}

// TestWindowsWithoutMove: the COPY fallback works window after window, with
// UID EXPUNGE (UIDPLUS) and with the plain EXPUNGE at the end of the pass.
func TestWindowsWithoutMove(t *testing.T) {
	for name, caps := range map[string]imap.CapSet{
		"uidplus":    {imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
		"no uidplus": {imap.CapIMAP4rev1: {}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, mailboxtest.MemOptions{Caps: caps})
			f.appendN(t, 1, 25)
			w, l := f.windowed(t, 10)
			n, err := w.Once(context.Background())
			mustNoErr(t, err)
			if n != 25 || !slices.Equal(l.n, []int{10, 10, 5}) {
				t.Errorf("Once = %d with listings %v, want 25 with [10 10 5]", n, l.n)
			}
			f.wantCounts(t, 0, 25-3, 3)
		})
	}
}
