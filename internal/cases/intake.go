// Package cases is the complaint life cycle: a mail comes in, is stored, and
// opens a case, threads into one, or is kept as machine mail — in one
// transaction with the mails it causes and the mailbox checkpoint.
//
// Promises, each proved by the tests:
//   - Every mail is stored raw, whatever its class; nothing is dropped. A mail
//     that cannot be parsed, or is over the size limit, is stored flagged and
//     goes to quarantine (Handle answers mailbox.Quarantine).
//   - The same mail twice (same Message-ID, or same bytes without one) is one
//     row; the second time Handle only answers the stored disposition.
//   - A new complaint gets exactly one acknowledgement (outbox dedupe key
//     ack:<case>), queued in the transaction that opens the case.
//   - Machine mail (auto-replies, bounces, lists, spam, our own mail) never
//     opens a case and is never answered. A complaint that carries a hard
//     machine signal, or whose sender already got the day's quota of automatic
//     mail, opens a case marked for review without an acknowledgement.
//
// Trust (auth.go, caps.go, echo.go):
//   - A handler's mail is acted on only with exactly one From mailbox, no
//     Sender naming someone else, and — with intake.trusted_authserv_id
//     set — a dmarc pass for the From domain or an aligned dkim or spf pass
//     in the topmost Authentication-Results of that host, read from the raw
//     header. Anything else is refused whole and recorded on the case.
//   - Mail that did nothing (refused, bad commands, no case) is answered
//     only to the configured handler, at most intake.notices_per_handler_per_day
//     times a day; forged mail without a case gets no answer at all.
//   - Acknowledgements go out within intake.acks_per_mailbox_per_day
//     (mailbox without +tag), acks_per_domain_per_hour and acks_per_hour;
//     over a cap the case opens for review, the reason recorded. They repeat
//     at most 60 characters of name and 80 of subject, links removed.
//   - A mail on a case is the complainant's by its From, never its Reply-To;
//     a bounce flags a case only when it names a Message-ID we sent on it.
package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// Intake turns mails into cases. It implements mailbox.Handler.
type Intake struct {
	store  *store.Store
	o      Options
	people atomic.Pointer[People]
}

// Options wire an Intake.
type Options struct {
	Store    *store.Store
	Queue    *outbox.Queue
	Policy   deadline.Policy
	Calendar *deadline.Calendar // the organisation's working days
	Classify classify.Config
	Limits   parse.Limits
	// Language of mails when the complaint's own language is not clear: nl or en.
	Language   string
	Intake     string // the intake address
	IntakeName string
	People     *People
	// AutoRepliesPerDay caps automatic mails to one address per 24 hours.
	AutoRepliesPerDay int
	Caps              Caps   // on acknowledgements and handler notices (caps.go)
	RefPrefix         string // "KL"
	Now               func() time.Time
	Logger            *slog.Logger
}

// NewIntake returns an Intake.
func NewIntake(o Options) *Intake {
	if o.RefPrefix == "" {
		o.RefPrefix = "KL"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	in := &Intake{store: o.Store, o: o}
	if o.People == nil {
		o.People = &People{}
	}
	in.people.Store(o.People)
	return in
}

// SetPeople swaps in new handlers, managers and routing (SIGHUP). Mails in
// progress finish with the People they started with.
func (in *Intake) SetPeople(p *People) { in.people.Store(p) }

// Checkpoint implements mailbox.Handler.
func (in *Intake) Checkpoint(ctx context.Context, mb string) (mailbox.Checkpoint, error) {
	c, err := in.store.Checkpoint(ctx, mb)
	return mailbox.Checkpoint{UIDValidity: c.UIDValidity, LastUID: c.LastUID}, err
}

// Handle implements mailbox.Handler: one mail, one transaction.
func (in *Intake) Handle(ctx context.Context, m mailbox.Mail) (mailbox.Disposition, error) {
	people := in.people.Load()
	msg, perr := parse.Parse(m.Raw, in.o.Limits)
	res := classify.Classify(msg, in.classifyConfig(people))
	quarantine := perr != nil || m.Truncated
	disp := mailbox.Processed
	err := in.store.InTx(ctx, func(tx *store.Tx) error {
		row := messageRow(m, msg, res, quarantine, perr)
		id, inserted, err := tx.InsertMessage(ctx, row)
		if err != nil {
			return err
		}
		if !inserted {
			stored, err := tx.StoredMessage(ctx, msg.MessageID, msg.SHA256)
			if err != nil {
				return err
			}
			quarantine = stored.Quarantined
			in.o.Logger.Info("mail_duplicate", slog.Uint64("uid", uint64(m.UID)), slog.Int64("message", stored.ID))
		} else if !quarantine {
			row.ID = id
			if err := in.route(ctx, tx, row, msg, res, people); err != nil {
				return err
			}
		}
		return tx.SaveCheckpoint(ctx, m.Mailbox, m.UIDValidity, m.UID)
	})
	if err != nil {
		return disp, fmt.Errorf("cases: handle uid %d: %w", m.UID, err)
	}
	if quarantine {
		in.o.Logger.Warn("mail_quarantined", slog.Uint64("uid", uint64(m.UID)), slog.Any("error", perr), slog.Bool("truncated", m.Truncated))
		disp = mailbox.Quarantine
	}
	return disp, nil
}

// Quarantine implements mailbox.Handler: keep a mail that Handle could not
// take, raw and flagged.
func (in *Intake) Quarantine(ctx context.Context, m mailbox.Mail, reason error) error {
	msg, _ := parse.Parse(m.Raw, in.o.Limits)
	return in.store.InTx(ctx, func(tx *store.Tx) error {
		row := messageRow(m, msg, classify.Result{Kind: "quarantine"}, true, reason)
		if _, _, err := tx.InsertMessage(ctx, row); err != nil {
			return err
		}
		return tx.SaveCheckpoint(ctx, m.Mailbox, m.UIDValidity, m.UID)
	})
}

func messageRow(m mailbox.Mail, msg *parse.Message, res classify.Result, quarantine bool, cause error) *store.Message {
	row := &store.Message{
		SHA256: msg.SHA256, Raw: m.Raw, Size: len(m.Raw), Kind: string(res.Kind),
		FromAddress: firstAddress(msg.From), Subject: msg.Subject,
		InternalDate: m.InternalDate, Mailbox: m.Mailbox, Quarantined: quarantine,
		Reasons: res.Reasons, Warnings: msg.Warnings,
	}
	row.MessageID.String, row.MessageID.Valid = msg.MessageID, msg.MessageID != ""
	row.UIDValidity.Int64, row.UIDValidity.Valid = int64(m.UIDValidity), true
	row.UID.Int64, row.UID.Valid = int64(m.UID), true
	if len(msg.InReplyTo) > 0 {
		row.InReplyTo = msg.InReplyTo[0]
	}
	row.Refs = msg.References
	for _, a := range append(append([]parse.Address{}, msg.To...), msg.Cc...) {
		row.Recipients = append(row.Recipients, lower(a.Address))
	}
	if row.InternalDate.IsZero() {
		row.InternalDate = time.Now()
	}
	if m.Truncated {
		row.Warnings = append(row.Warnings, fmt.Sprintf("truncated: the mail is %d bytes, over the limit", m.Size))
	}
	if cause != nil {
		row.Reasons = append(row.Reasons, "quarantined: "+cause.Error())
	}
	return row
}

func firstAddress(as []parse.Address) string {
	if len(as) == 0 {
		return ""
	}
	return strings.ToLower(as[0].Address)
}

// errNoCase is findCase's "this mail threads to no case".
var errNoCase = errors.New("no case")

// People returns the handlers, managers and routing in use.
func (in *Intake) People() *People { return in.people.Load() }
