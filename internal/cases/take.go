package cases

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// take is one mail as read for intake.
type take struct {
	msg *parse.Message
	res classify.Result
	// unread says what could not be read: a parse limit or error, a mail
	// cut off at the fetch limit, or the safe header read after a death.
	// Empty for a mail read in full.
	unread []string
	// died: the process died while this mail was in hand; it got the safe
	// header read instead of the parser.
	died bool
	// truncated: the watcher fetched only the first part of the mail.
	truncated bool
}

// read parses and classifies one mail, or, when an earlier process died
// with it in hand, reads only a few header fields without the parser.
func (in *Intake) read(m mailbox.Mail, p *People, prev store.InHand) *take {
	if prev.DiedOn(in.holder) {
		in.o.Logger.Warn("mail_died_in_hand", slog.Uint64("uid", uint64(m.UID)), slog.Int("attempts", prev.Attempts))
		msg := minimalMessage(m.Raw)
		msg.SHA256 = sha256Hex(m.Raw)
		return &take{msg: msg, res: classify.Classify(msg, in.classifyConfig(p)), died: true, truncated: m.Truncated,
			unread: []string{fmt.Sprintf("klachtd stopped while reading this mail (%d attempts): it was not parsed again; only its header was read", prev.Attempts)}}
	}
	// Limits.MaxDuration is the time budget of one mail: past it the mail
	// is handled as over a limit (a case for review).
	msg, perr := parse.Parse(m.Raw, in.o.Limits)
	t := &take{msg: msg, res: classify.Classify(msg, in.classifyConfig(p)), truncated: m.Truncated}
	if perr != nil {
		t.unread = append(t.unread, store.Clean(perr.Error()))
	}
	if m.Truncated {
		t.unread = append(t.unread, fmt.Sprintf("the mail is %d bytes, over the limit: only its first %d bytes were fetched", m.Size, len(m.Raw)))
	}
	return t
}

// forgetInHand clears the in-hand marks of keys (one mail, or the mails of a
// batch whose transaction failed) after an attempt that returned an error
// (the process lives on), so that another instance taking over later does
// not take a mail for one that killed its holder. Best effort: when the
// database is down they stay, and the next attempt of this process still
// parses the mails normally.
func (in *Intake) forgetInHand(ctx context.Context, keys ...store.MailKey) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := in.store.InTx(ctx, func(tx *store.Tx) error { return tx.ClearBatchInHand(ctx, keys) }); err != nil {
		in.o.Logger.Warn("mail_in_hand_not_cleared", slog.Uint64("uid", uint64(keys[0].UID)), slog.Int("mails", len(keys)), slog.Any("error", err))
	}
}

func mailKey(m mailbox.Mail) store.MailKey {
	return store.MailKey{Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID}
}
