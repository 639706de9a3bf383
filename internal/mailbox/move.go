package mailbox

import (
	"fmt"
	"log/slog"

	"github.com/emersion/go-imap/v2"
)

// canMove reports whether the server moves atomically (MOVE).
func (s *session) canMove() bool { return s.c.Caps().Has(imap.CapMove) }

// move moves one mail, after its commit. With MOVE that is one command.
// Without, it is COPY, then — only when the COPY succeeded — STORE \Deleted,
// then UID EXPUNGE of just that mail (UIDPLUS). imapclient's own fallback
// pipelines the three commands, so a failed COPY would still expunge the
// mail: we do not use it.
func (s *session) move(uid imap.UID, dest string) error {
	set := imap.UIDSetNum(uid)
	if s.canMove() {
		err := s.do(func() error { _, err := s.c.Move(set, dest).Wait(); return err })
		if err != nil {
			return fmt.Errorf("mailbox: move uid %d to %s: %w", uid, dest, err)
		}
		return nil
	}
	if err := s.do(func() error { _, err := s.c.Copy(set, dest).Wait(); return err }); err != nil {
		return fmt.Errorf("mailbox: copy uid %d to %s: %w", uid, dest, err)
	}
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.do(func() error { return s.c.Store(set, flags, nil).Close() }); err != nil {
		return fmt.Errorf("mailbox: flag uid %d deleted: %w", uid, err)
	}
	return s.expunge(uid)
}

// expunge removes one mail flagged \Deleted. Without UIDPLUS there is no
// UID EXPUNGE; the plain EXPUNGE is left to expungeDeleted at the end of
// the pass.
func (s *session) expunge(uid imap.UID) error {
	if !s.c.Caps().Has(imap.CapUIDPlus) {
		s.needExpunge, s.lastMoved = true, max(s.lastMoved, uid)
		return nil
	}
	err := s.do(func() error { return s.c.UIDExpunge(imap.UIDSetNum(uid)).Close() })
	if err != nil {
		return fmt.Errorf("mailbox: expunge uid %d: %w", uid, err)
	}
	return nil
}

// expungeDeleted runs a plain EXPUNGE on a server without UIDPLUS. That
// removes every mail flagged \Deleted, so it is skipped while a mail that
// was not handled yet (UID above the last one moved) carries the flag: such
// a mail is left for the next pass, which handles it first. (A mail flagged
// by someone else between the search and the EXPUNGE is the one remaining
// gap; servers without UIDPLUS are rare.)
func (s *session) expungeDeleted() error {
	if !s.needExpunge {
		return nil
	}
	var unhandled []imap.UID
	err := s.do(func() error {
		crit := &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagDeleted},
			UID: []imap.UIDSet{{imap.UIDRange{Start: s.lastMoved + 1, Stop: 0}}}}
		data, err := s.c.UIDSearch(crit, nil).Wait()
		if err != nil {
			return err
		}
		for _, uid := range data.AllUIDs() {
			if uid > s.lastMoved { // n:* matches the last mail even below n
				unhandled = append(unhandled, uid)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mailbox: search deleted: %w", err)
	}
	if len(unhandled) > 0 {
		s.w.log.Warn("mailbox_expunge_postponed", slog.Int("unhandled_deleted", len(unhandled)))
		return nil
	}
	if err := s.do(func() error { return s.c.Expunge().Close() }); err != nil {
		return fmt.Errorf("mailbox: expunge: %w", err)
	}
	s.needExpunge = false
	return nil
}
