package mailbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// A batch is at most batchMails mails and batchBytes of bodies (by
// RFC822.SIZE, a mail over MaxMessageBytes counted at that limit; a single
// mail always makes a batch): memory per pass stays bounded whatever the
// backlog.
const (
	batchMails = 256
	batchBytes = 16 << 20
)

// nextBatch cuts the next batch off pending.
func nextBatch(pending []meta, maxMessage int64) (batch, rest []meta) {
	var bytes int64
	for i, m := range pending {
		size := min(m.size, maxMessage)
		if i > 0 && (i == batchMails || bytes+size > batchBytes) {
			return pending[:i], pending[i:]
		}
		bytes += size
	}
	return pending, nil
}

// txMails bounds the mails handed to BatchHandler.HandleBatch at once
// (besides the handler's own time budget): the reference counter and the
// caps' lock are held for one such transaction.
const txMails = 64

// batch fetches the bodies of a batch with one UID FETCH, hands its mails
// to the handler in UID order, up to txMails in one transaction when the
// handler is a BatchHandler (else, and for a mail that failed before, one
// transaction each), and moves the mails that committed with one UID MOVE
// per destination folder. When a mail fails, the mails of its transaction
// that committed are moved and the batch ends with its error: it and the
// mails not handed over stay in the mailbox for the next attempt, where a
// mail that failed is handed over alone, so that the checkpoint never
// skips a mail.
func (s *session) batch(ctx context.Context, ms []meta, last uint32) (int, error) {
	mails, err := s.fetchBatch(ms, last)
	if err != nil {
		return 0, err
	}
	for _, mail := range mails {
		if mail.UID <= last {
			s.w.log.Info("mailbox_mail_seen_again", slog.Uint64("uid", uint64(mail.UID)))
		}
	}
	var moves batchMoves
	for len(mails) > 0 {
		group := s.w.group(mails)
		var n int
		var err error
		if len(group) == 1 {
			n, err = s.one(ctx, group[0], &moves)
		} else {
			n, err = s.several(ctx, group, &moves)
		}
		if err != nil {
			return moves.n(), errors.Join(err, s.settleMoves(), s.moveBatch(&moves))
		}
		mails = mails[n:]
		if ctx.Err() != nil {
			// Stopping: the connection is closing. The next run sees the
			// mails again, the handler dedupes, and they are moved then.
			return moves.n(), nil
		}
	}
	return moves.n(), s.moveLater(moves)
}

// moveLater moves a batch's committed mails while the next batches are
// fetched and stored: it sends one MOVE (per folder) and returns without
// waiting for the answer. While that MOVE is still in progress, the mails
// of the batches after it wait and go together with the next MOVE (up to
// maxWaitingMoves; past that moveLater waits), so the MOVEs grow as the
// server slows down: Dovecot rewrites its index with every expunge, which
// costs more the more mails the folder holds (at 100 000 waiting mails its
// CPU per mail was seven times that at 10 000). settleMoves waits for and
// sends what is left. Only with MOVE: the COPY fallback (and its \Deleted
// bookkeeping) stays in line. A mail still moves only after its
// transaction committed; a move that fails ends the pass like any failed
// command, and its mails, committed, are handed over again, deduplicated
// and moved on the next pass.
func (s *session) moveLater(moves batchMoves) error {
	if !s.canMove() {
		return errors.Join(s.settleMoves(), s.moveBatch(&moves))
	}
	s.waiting.processed = append(s.waiting.processed, moves.processed...)
	s.waiting.quarantine = append(s.waiting.quarantine, moves.quarantine...)
	if s.moving != nil {
		select {
		case err := <-s.moving:
			s.moving = nil
			if err != nil {
				return err
			}
		default:
			if s.waiting.n() < maxWaitingMoves {
				return nil // in the next MOVE
			}
			err := <-s.moving
			s.moving = nil
			if err != nil {
				return err
			}
		}
	}
	m := s.waiting
	s.waiting = batchMoves{}
	done := make(chan error, 1)
	s.moving = done
	go func() { done <- s.moveBatch(&m) }()
	return nil
}

// maxWaitingMoves bounds the committed mails that wait for the MOVE in
// progress to end.
const maxWaitingMoves = 4096

// settleMoves waits for the MOVE that moveLater left in progress, then
// moves the mails that waited for it.
func (s *session) settleMoves() error {
	var err error
	if s.moving != nil {
		err = <-s.moving
		s.moving = nil
	}
	if err != nil || s.waiting.n() == 0 {
		return err
	}
	m := s.waiting
	s.waiting = batchMoves{}
	return s.moveBatch(&m)
}

// group is the next mails to hand over in one transaction: up to txMails
// mails from the start of mails, none of which failed before, when the
// handler takes batches; else the first mail alone.
func (w *Watcher) group(mails []Mail) []Mail {
	if _, ok := w.o.Handler.(BatchHandler); !ok || w.failed1(mails[0]) {
		return mails[:1]
	}
	n := 1
	for n < len(mails) && n < txMails && !w.failed1(mails[n]) {
		n++
	}
	return mails[:n]
}

// failed1 reports whether Handle failed for m before (in this process).
func (w *Watcher) failed1(m Mail) bool { return w.failures[failKey{m.UIDValidity, m.UID}] > 0 }

// one hands one mail over in a transaction of its own (Handle; Quarantine
// after MaxAttempts failures).
func (s *session) one(ctx context.Context, m Mail, moves *batchMoves) (int, error) {
	disp, err := s.w.dispose(ctx, m)
	if err != nil {
		return 0, err
	}
	s.w.madeProgress() // stored: a cut from here on is no reason to wait long
	moves.add(imap.UID(m.UID), disp)
	return 1, nil
}

// several hands group over in one transaction (HandleBatch). It returns how
// many mails of group were handed over (the rest were not tried: the
// handler's budget ran out) and the first error of a mail: the mails that
// committed are in moves either way.
func (s *session) several(ctx context.Context, group []Mail, moves *batchMoves) (int, error) {
	res, err := s.w.disposeBatch(ctx, group)
	if err != nil {
		return 0, err
	}
	var first error
	n := 0
	for i, r := range res {
		if errors.Is(r.Err, ErrNotTried) {
			break
		}
		n = i + 1
		if r.Err != nil {
			first = cmp.Or(first, r.Err)
			continue
		}
		s.w.madeProgress()
		moves.add(imap.UID(group[i].UID), r.Disposition)
	}
	if n == 0 && first == nil {
		return 0, fmt.Errorf("mailbox: the handler took none of %d mails", len(group))
	}
	return n, first
}

// batchMoves are the committed mails of a batch, by destination.
type batchMoves struct {
	processed, quarantine []imap.UID
}

func (b *batchMoves) add(uid imap.UID, d Disposition) {
	if d == Quarantine {
		b.quarantine = append(b.quarantine, uid)
	} else {
		b.processed = append(b.processed, uid)
	}
}

func (b *batchMoves) n() int { return len(b.processed) + len(b.quarantine) }

// moveBatch moves the committed mails of a batch, processed first.
func (s *session) moveBatch(b *batchMoves) error {
	for _, g := range []struct {
		uids []imap.UID
		dest string
		disp Disposition
	}{{b.processed, s.processed, Processed}, {b.quarantine, s.quarantine, Quarantine}} {
		if len(g.uids) == 0 {
			continue
		}
		if err := s.move(g.uids, g.dest); err != nil {
			return err
		}
		for _, uid := range g.uids {
			s.w.log.Info("mailbox_mail_moved", slog.Uint64("uid", uint64(uid)),
				slog.String("disposition", g.disp.String()), slog.String("folder", g.dest))
		}
	}
	return nil
}

// fetchBatch fetches the bodies of ms without setting \Seen (BODY.PEEK): the
// mails within MaxMessageBytes with one UID FETCH, a mail over it alone and
// only up to that many bytes. A mail at or below last that carries \Deleted
// on a server without MOVE is our own interrupted COPY + \Deleted + EXPUNGE
// (committed and copied already): it is only expunged. A mail that is no
// longer there (another client expunged it) is left out.
func (s *session) fetchBatch(ms []meta, last uint32) ([]Mail, error) {
	var whole []imap.UID
	for _, m := range ms {
		if m.deleted && uint32(m.uid) <= last && !s.canMove() {
			continue
		}
		if m.size <= s.w.o.MaxMessageBytes {
			whole = append(whole, m.uid)
		}
	}
	bodies, err := s.fetchBodies(whole)
	if err != nil {
		return nil, err
	}
	var mails []Mail
	for _, m := range ms {
		if m.deleted && uint32(m.uid) <= last && !s.canMove() {
			if err := s.expunge(m.uid); err != nil {
				return nil, err
			}
			continue
		}
		if m.size > s.w.o.MaxMessageBytes {
			mail, err := s.fetchMail(m)
			if errors.Is(err, errGone) {
				continue
			}
			if err != nil {
				return nil, err
			}
			mails = append(mails, mail)
			continue
		}
		raw, ok := bodies[m.uid]
		if !ok {
			continue // gone
		}
		mails = append(mails, Mail{Mailbox: s.w.o.Mailbox, UIDValidity: s.uidValidity, UID: uint32(m.uid),
			InternalDate: m.internalDate, Size: m.size, Raw: raw.raw, Truncated: raw.over})
	}
	return mails, nil
}

type body struct {
	raw  []byte
	over bool
}

// fetchBodies is one UID FETCH BODY.PEEK[] for uids; each body is read to
// its end but kept only up to MaxMessageBytes (a mail that grew past its
// RFC822.SIZE is marked truncated).
func (s *session) fetchBodies(uids []imap.UID) (map[imap.UID]body, error) {
	out := make(map[imap.UID]body, len(uids))
	if len(uids) == 0 {
		return out, nil
	}
	max := s.w.o.MaxMessageBytes
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	err := s.do(func() error {
		cmd := s.c.Fetch(imap.UIDSetNum(uids...), opts)
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			var uid imap.UID
			var b *body
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = it.UID
				case imapclient.FetchItemDataBodySection:
					if it.Literal == nil {
						continue
					}
					// Read the literal to its end before the next item.
					raw, over, err := readAtMost(it.Literal, max)
					if err != nil {
						return err
					}
					b = &body{raw: raw, over: over}
				}
			}
			if uid != 0 && b != nil && slices.Contains(uids, uid) {
				out[uid] = *b
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox: fetch %d mails: %w", len(uids), err)
	}
	return out, nil
}
