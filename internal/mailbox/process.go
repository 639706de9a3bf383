package mailbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// meta is what is known about a pending mail before its body is fetched.
type meta struct {
	uid          imap.UID
	internalDate time.Time
	size         int64
	deleted      bool
}

// errGone means a mail disappeared (another client expunged it) between the
// listing and the fetch: nothing to do.
var errGone = errors.New("mailbox: mail no longer in the mailbox")

// pass handles every mail in the mailbox in UID order and moves it, a
// window of UIDs at a time (window.go), a batch at a time within it
// (batch.go). It stops at the first error, so that the checkpoint never
// skips a mail. Mails that arrive during the pass (above the highest UID at
// its start) wait for the next one, which their EXISTS starts.
func (s *session) pass(ctx context.Context) (n int, err error) {
	defer func() { err = errors.Join(err, s.settleMoves()) }()
	return s.windows(ctx)
}

// windows is pass without waiting for the last batch's MOVE.
func (s *session) windows(ctx context.Context) (int, error) {
	last, err := s.lastUID(ctx)
	if err != nil {
		return 0, err
	}
	lo, hi, err := s.bounds()
	if err != nil {
		return 0, err
	}
	n := 0
	for lo != 0 && lo <= hi {
		if ctx.Err() != nil {
			return n, nil // stopping: the rest waits for the next run
		}
		end := windowEnd(lo, hi, s.w.window)
		pending, err := s.fetchMeta(lo, end)
		if err != nil {
			return n, err
		}
		if s.w.onWindow != nil {
			s.w.onWindow(len(pending))
		}
		done, err := s.window(ctx, pending, last)
		n += done
		if err != nil || ctx.Err() != nil {
			return n, err
		}
		if lo = end + 1; len(pending) == 0 && lo != 0 && lo <= hi {
			if lo, err = s.nextUID(lo, hi); err != nil {
				return n, err
			}
		}
	}
	return n, errors.Join(s.settleMoves(), s.expungeDeleted())
}

// window hands over the mails of one window, a batch at a time.
func (s *session) window(ctx context.Context, pending []meta, last uint32) (int, error) {
	n := 0
	for len(pending) > 0 {
		if ctx.Err() != nil {
			return n, nil // stopping: the rest waits for the next run
		}
		var chunk []meta
		chunk, pending = nextBatch(pending, s.w.o.MaxMessageBytes)
		done, err := s.batch(ctx, chunk, last)
		n += done
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// lastUID is the committed checkpoint, or 0 when UIDVALIDITY changed (then
// everything is handed over again and the handler dedupes).
func (s *session) lastUID(ctx context.Context) (uint32, error) {
	cp, err := s.w.o.Handler.Checkpoint(ctx, s.w.o.Mailbox)
	if err != nil {
		return 0, fmt.Errorf("mailbox: checkpoint: %w", err)
	}
	if cp.UIDValidity == s.uidValidity {
		return cp.LastUID, nil
	}
	if cp.UIDValidity != 0 {
		s.w.log.Warn("mailbox_uidvalidity_changed", slog.Uint64("old_uid_validity", uint64(cp.UIDValidity)),
			slog.Uint64("uid_validity", uint64(s.uidValidity)))
	}
	return 0, nil
}

// fetchMeta lists the mails of UID lo..hi (an explicit range: no "*"), in
// UID order, with their flags, INTERNALDATE and RFC822.SIZE.
func (s *session) fetchMeta(lo, hi imap.UID) ([]meta, error) {
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true}
	var msgs []meta
	err := s.do(func() error {
		bufs, err := s.c.Fetch(imap.UIDSet{imap.UIDRange{Start: lo, Stop: hi}}, opts).Collect()
		for _, b := range bufs {
			if b.UID < lo || b.UID > hi {
				continue
			}
			msgs = append(msgs, meta{uid: b.UID, internalDate: b.InternalDate, size: b.RFC822Size,
				deleted: slices.Contains(b.Flags, imap.FlagDeleted)})
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox: fetch flags and sizes of uids %d:%d: %w", lo, hi, err)
	}
	slices.SortFunc(msgs, func(a, b meta) int { return cmp.Compare(a.uid, b.uid) })
	return msgs, nil
}

// fetchMail fetches the body without setting \Seen (BODY.PEEK), at most
// MaxMessageBytes of it.
func (s *session) fetchMail(m meta) (Mail, error) {
	max := s.w.o.MaxMessageBytes
	section := &imap.FetchItemBodySection{Peek: true}
	truncated := m.size > max
	if truncated {
		section.Partial = &imap.SectionPartial{Offset: 0, Size: max}
	}
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
	mail := Mail{Mailbox: s.w.o.Mailbox, UIDValidity: s.uidValidity, UID: uint32(m.uid),
		InternalDate: m.internalDate, Size: m.size, Truncated: truncated}
	var found bool
	err := s.do(func() error {
		cmd := s.c.Fetch(imap.UIDSetNum(m.uid), opts)
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || body.Literal == nil {
					continue
				}
				found = true
				// Read the literal to its end before the next item.
				raw, over, err := readAtMost(body.Literal, max)
				if err != nil {
					return err
				}
				mail.Raw, mail.Truncated = raw, mail.Truncated || over
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return mail, fmt.Errorf("mailbox: fetch uid %d: %w", m.uid, err)
	}
	if !found {
		return mail, errGone
	}
	return mail, nil
}

// readAtMost reads r to its end, keeping at most max bytes.
func readAtMost(r io.Reader, max int64) (raw []byte, over bool, err error) {
	raw, err = io.ReadAll(io.LimitReader(r, max))
	if err != nil {
		return nil, false, err
	}
	rest, err := io.Copy(io.Discard, r)
	return raw, rest > 0, err
}

// handleTimeout bounds one Handle (and one Quarantine) once it has begun:
// the handler's parse budget (10 s by default) plus its database work. A
// Handle in progress is not cut when the daemon is stopping, but it cannot
// hold the shutdown longer than this; with the outbox's drain (30 s) after
// it, the daemon stops within the systemd unit's TimeoutStopSec (45 s).
const handleTimeout = 15 * time.Second

// dispose calls the handler. After MaxAttempts failures in a row for the
// same mail it stores it as quarantined instead, so that one poisonous mail
// cannot hold up the queue.
func (w *Watcher) dispose(ctx context.Context, m Mail) (Disposition, error) {
	// A Handle in progress completes even when the daemon is stopping,
	// within handleTimeout.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
	defer cancel()
	key := failKey{m.UIDValidity, m.UID}
	d, err := w.handle(ctx, m)
	if err == nil {
		delete(w.failures, key)
		return d, nil
	}
	w.failures[key]++
	if w.failures[key] < w.o.MaxAttempts {
		return 0, err
	}
	w.log.Error("mailbox_handle_failed_quarantining", slog.Uint64("uid", uint64(m.UID)),
		slog.Int("attempts", w.failures[key]), slog.Any("error", err))
	if qerr := w.quarantine(ctx, m, err); qerr != nil {
		return 0, errors.Join(err, qerr)
	}
	delete(w.failures, key)
	return Quarantine, nil
}

// batchBudget is how long a HandleBatch may go on handing mails into its
// transaction (cases stops taking more after it); a batch's context gets
// handleTimeout on top, for the last mail.
const batchBudget = 2 * time.Second

// disposeBatch calls the BatchHandler for group and counts a failure for
// every mail that failed (the mail is handed over alone next time, where
// MaxAttempts leads to Quarantine). When the batch as a whole failed
// (nothing committed), the failure is counted for its first mail only, the
// one a single Handle would have failed on.
func (w *Watcher) disposeBatch(ctx context.Context, group []Mail) ([]Result, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchBudget+handleTimeout)
	defer cancel()
	res, err := w.handleBatch(ctx, group)
	if err == nil && len(res) != len(group) {
		err = fmt.Errorf("mailbox: handler answered %d results for %d mails", len(res), len(group))
	}
	if err != nil {
		w.failures[failKey{group[0].UIDValidity, group[0].UID}]++
		return nil, err
	}
	for i, r := range res {
		key := failKey{group[i].UIDValidity, group[i].UID}
		switch {
		case r.Err == nil:
			delete(w.failures, key)
		case !errors.Is(r.Err, ErrNotTried):
			w.failures[key]++
			w.log.Warn("mailbox_mail_failed_in_batch", slog.Uint64("uid", uint64(group[i].UID)), slog.Any("error", r.Err))
		}
	}
	return res, nil
}

func (w *Watcher) handleBatch(ctx context.Context, group []Mail) (res []Result, err error) {
	defer recoverTo(&err, w.log, group[0].UID)
	res, err = w.o.Handler.(BatchHandler).HandleBatch(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("mailbox: handle %d mails from uid %d: %w", len(group), group[0].UID, err)
	}
	return res, nil
}

func (w *Watcher) handle(ctx context.Context, m Mail) (d Disposition, err error) {
	defer recoverTo(&err, w.log, m.UID)
	d, err = w.o.Handler.Handle(ctx, m)
	if err != nil {
		return 0, fmt.Errorf("mailbox: handle uid %d: %w", m.UID, err)
	}
	return d, nil
}

func (w *Watcher) quarantine(ctx context.Context, m Mail, reason error) (err error) {
	defer recoverTo(&err, w.log, m.UID)
	if err := w.o.Handler.Quarantine(ctx, m, reason); err != nil {
		return fmt.Errorf("mailbox: quarantine uid %d: %w", m.UID, err)
	}
	return nil
}

// recoverTo turns a handler panic into an error.
func recoverTo(err *error, log *slog.Logger, uid uint32) {
	if v := recover(); v != nil {
		log.Error("mailbox_handler_panic", slog.Uint64("uid", uint64(uid)), slog.Any("panic", v),
			slog.String("stack", string(debug.Stack())))
		*err = fmt.Errorf("mailbox: handler panicked on uid %d: %v", uid, v)
	}
}
