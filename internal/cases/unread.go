package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// Over a limit, still a case. A mail that klachtd could not read in full
// (over the depth, part, size or time limit, cut off at the fetch limit, a
// parse error, or the safe header read after the process died on it) is
// still a complaint when it has a usable reply address and no proof of a
// machine: it opens a case marked for review and is acknowledged; the
// handler's notification starts with a note of what could not be read and
// carries the raw mail as an .eml attachment when it is complete and within
// the message size limit; a not_read event records the same. The mail moves
// to Processed. Only a mail with no usable reply address goes to quarantine
// without a case.

// usableAddress reports whether a reply can be sent to addr.
func usableAddress(addr string) bool { return addr != "" && outbox.CheckAddress(addr) == nil }

// unusable gives the reason why no mail can go to addr, or nothing. An
// empty address is withhold's "no reply address".
func unusable(addr string) []string {
	if addr == "" {
		return nil
	}
	if err := outbox.CheckAddress(addr); err != nil {
		return []string{fmt.Sprintf("reply address %q cannot be used: %v", addr, err)}
	}
	return nil
}

// attachable reports whether the raw mail goes with the notification: it
// was fetched whole and is within the message size limit.
func (in *Intake) attachable(row *store.Message, t *take) bool {
	limit := in.o.Limits.MaxMessageBytes
	if limit <= 0 {
		limit = parse.DefaultLimits().MaxMessageBytes
	}
	return !t.truncated && int64(len(row.Raw)) <= limit
}

// withUnreadNote returns msg for the handler's notification: unchanged for
// a mail read in full, else a copy whose text starts with what could not be
// read and that carries the raw mail as an attachment (when attachable).
func (in *Intake) withUnreadNote(row *store.Message, t *take) *parse.Message {
	msg := t.msg
	if len(t.unread) == 0 {
		return msg
	}
	cp := *msg
	attached := in.attachable(row, t)
	cp.Text = unreadNote(in.o.Language, t.unread, attached) + "\n\n" + msg.Text
	cp.Attachments = append([]parse.Attachment{}, msg.Attachments...)
	if attached {
		cp.Attachments = append(cp.Attachments, parse.Attachment{Filename: rawFilename(in.o.Language),
			ContentType: "application/octet-stream", Size: int64(len(row.Raw)), Data: row.Raw})
	}
	return &cp
}

func unreadNote(lang string, unread []string, attached bool) string {
	var b strings.Builder
	if lang == "en" {
		b.WriteString("[klachtd] This mail could not be read in full:\n")
	} else {
		b.WriteString("[klachtd] Deze mail kon niet helemaal worden gelezen:\n")
	}
	for _, u := range unread {
		b.WriteString("- " + u + "\n")
	}
	switch {
	case attached && lang == "en":
		b.WriteString("The original mail is attached (" + rawFilename(lang) + ").")
	case attached:
		b.WriteString("De oorspronkelijke mail zit als bijlage bij deze melding (" + rawFilename(lang) + ").")
	case lang == "en":
		b.WriteString("The original mail is too large to attach; it is stored in klachtd and in the mailbox.")
	default:
		b.WriteString("De oorspronkelijke mail is te groot om mee te sturen; hij is bewaard in klachtd en in de mailbox.")
	}
	return b.String()
}

func rawFilename(lang string) string {
	if lang == "en" {
		return "original-mail.eml"
	}
	return "oorspronkelijke-mail.eml"
}

// noteUnread records on a case what could not be read of a mail that
// threaded into it.
func (in *Intake) noteUnread(ctx context.Context, tx *store.Tx, caseID int64, row *store.Message, t *take) error {
	if len(t.unread) == 0 {
		return nil
	}
	return tx.AddEvent(ctx, &store.Event{CaseID: caseID, At: in.o.Now(), Actor: "klachtd", Kind: "not_read", Message: nullID(row.ID),
		Detail: store.Detail(map[string]any{"what": t.unread, "safe_header_read": t.died})})
}
