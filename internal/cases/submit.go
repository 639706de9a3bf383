package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/store"
)

// FormMailbox is the mailbox name of the messages the complaint form
// submits (internal/web): they never were in an IMAP mailbox.
const FormMailbox = "web-form"

// ErrNoCase is Submit's answer when the message, stored, opened no case
// (it was taken for machine or staff mail: a form filled in with our own
// or a handler's address).
var ErrNoCase = errors.New("cases: the submission opened no case")

// Submit takes a message built by the complaint form through the same
// path as a mail from the mailbox — parse, classify, store raw, route,
// acknowledge, notify, in one transaction — and returns the reference of
// the case it opened. Without a mailbox there is no checkpoint and no
// move; a submission is stored once per Message-ID like any mail.
func (in *Intake) Submit(ctx context.Context, raw []byte) (string, error) {
	people := in.people.Load()
	m := mailbox.Mail{Mailbox: FormMailbox, Raw: raw, Size: int64(len(raw)), InternalDate: in.o.Now()}
	var ref string
	err := in.store.InTx(ctx, func(tx *store.Tx) error {
		t := in.read(m, people, store.InHand{})
		if _, err := in.keep(ctx, tx, m, t, people); err != nil {
			return err
		}
		var err error
		ref, err = tx.CaseRefOfMessage(ctx, t.msg.MessageID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // stored all the same: the digest and the log show it
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cases: submit: %w", err)
	}
	if ref == "" {
		in.o.Logger.Warn("form_without_case")
		return "", ErrNoCase
	}
	in.o.Logger.Info("form_case_opened", slog.String("case_ref", ref))
	return ref, nil
}
