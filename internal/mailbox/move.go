package mailbox

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// canMove reports whether the server moves atomically (MOVE).
func (s *session) canMove() bool { return s.c.Caps().Has(imap.CapMove) }

// move moves committed mails (one, or a batch's: one command for all), after
// their commits. With MOVE that is one command. Without, it is COPY, then —
// only when the COPY succeeded — STORE \Deleted, then UID EXPUNGE of just
// those mails (UIDPLUS). imapclient's own fallback pipelines the three
// commands, so a failed COPY would still expunge the mails: we do not use it.
func (s *session) move(uids []imap.UID, dest string) error {
	set := imap.UIDSetNum(uids...)
	if s.canMove() {
		err := s.do(func() error { _, err := s.c.Move(set, dest).Wait(); return err })
		if err != nil {
			return fmt.Errorf("mailbox: move uids %v to %s: %w", set, dest, err)
		}
		return nil
	}
	if err := s.do(func() error { _, err := s.c.Copy(set, dest).Wait(); return err }); err != nil {
		return fmt.Errorf("mailbox: copy uids %v to %s: %w", set, dest, err)
	}
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.do(func() error { return s.c.Store(set, flags, nil).Close() }); err != nil {
		return fmt.Errorf("mailbox: flag uids %v deleted: %w", set, err)
	}
	return s.expunge(uids...)
}

// expunge removes mails flagged \Deleted. Without UIDPLUS there is no
// UID EXPUNGE; the plain EXPUNGE is left to expungeDeleted at the end of
// the pass.
func (s *session) expunge(uids ...imap.UID) error {
	if !s.c.Caps().Has(imap.CapUIDPlus) {
		s.needExpunge, s.lastMoved = true, max(s.lastMoved, slices.Max(uids))
		return nil
	}
	set := imap.UIDSetNum(uids...)
	err := s.do(func() error { return s.c.UIDExpunge(set).Close() })
	if err != nil {
		return fmt.Errorf("mailbox: expunge uids %v: %w", set, err)
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
