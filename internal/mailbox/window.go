package mailbox

import (
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// windowUIDs is how many UIDs a window of a pass spans: the pass lists the
// mails of UID lo..lo+windowUIDs-1 (flags, date and size), hands them over
// batch by batch, and only then lists the next window. So a pass holds at
// most this many metas at once (about 4096 × 100 bytes), whatever the
// backlog; a multiple of batchMails, so that a dense window cuts into full
// batches.
const windowUIDs = 32 * batchMails

// bounds is the lowest and highest UID in the mailbox (0, 0 when it is
// empty). A NOOP first makes the server report mail that arrived since the
// last command. With ESEARCH this is one short answer (RETURN (MIN MAX));
// without, a plain UID SEARCH ALL, read into a set of ranges (a backlog
// delivered in one go is one range).
func (s *session) bounds() (lo, hi imap.UID, err error) {
	err = s.do(func() error { return s.c.Noop().Wait() })
	if err == nil {
		lo, hi, err = s.searchBounds(&imap.SearchCriteria{})
	}
	if err != nil {
		return 0, 0, fmt.Errorf("mailbox: search %s: %w", s.w.o.Mailbox, err)
	}
	return lo, hi, nil
}

// nextUID is the lowest UID in from..to, 0 when there is none: where the
// pass goes on after a window that held no mail (UIDs can have gaps wider
// than a window, where mails were moved by someone else).
func (s *session) nextUID(from, to imap.UID) (imap.UID, error) {
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: from, Stop: to}}}}
	lo, _, err := s.searchBounds(crit)
	if err != nil {
		return 0, fmt.Errorf("mailbox: search %s from uid %d: %w", s.w.o.Mailbox, from, err)
	}
	return lo, nil
}

// searchBounds is the lowest and highest UID that crit matches.
func (s *session) searchBounds(crit *imap.SearchCriteria) (lo, hi imap.UID, err error) {
	var opts *imap.SearchOptions
	if s.c.Caps().Has(imap.CapESearch) {
		opts = &imap.SearchOptions{ReturnMin: true, ReturnMax: true}
	}
	var data *imap.SearchData
	err = s.do(func() (err error) {
		data, err = s.c.UIDSearch(crit, opts).Wait()
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	if opts != nil {
		return imap.UID(data.Min), imap.UID(data.Max), nil
	}
	set, _ := data.All.(imap.UIDSet)
	if len(set) == 0 {
		return 0, 0, nil
	}
	return set[0].Start, set[len(set)-1].Stop, nil
}

// windowEnd is the last UID of the window that starts at lo, at most hi.
func windowEnd(lo, hi imap.UID, size uint32) imap.UID {
	end := uint64(lo) + uint64(size) - 1
	return imap.UID(min(end, uint64(hi)))
}
