// Package cases is the complaint life cycle: a mail comes in, is stored, and
// opens a case, threads into one, or is kept as machine mail — in one
// transaction with the mails it causes and the mailbox checkpoint.
//
// One mail, one savepoint, in a backlog (batch.go): the mailbox fetches and
// moves mails in batches (see package mailbox) and hands up to 64 of them to
// HandleBatch, which stores them in ONE transaction: each mail inside
// SAVEPOINT … RELEASE, so it commits its mail, its case and its
// acknowledgement all or nothing, and a mail that fails (an error, a
// panic) is rolled back to its savepoint alone while the others go on; the
// checkpoint is set to the last mail of the committed prefix (UID order) and
// the marks in hand are cleared in the same transaction, which commits once.
// Why: every transaction that opens a case takes the gap-free reference
// counter's row lock and the caps' lock until commit; with one mail per
// transaction they were taken, and one commit (a WAL flush) paid, per mail.
// A mail alone (mail trickling in, a mail that failed before, Submit) still
// goes through Handle: one mail, one transaction, as before. Batches are not
// stored in parallel, so the counter's references stay gap-free and in UID
// order.
//
// Inside the batch's transaction (batch.go, fresh.go) the mails are first
// read — parsed and classified — in parallel, one goroutine per processor,
// after they were marked in hand. Then, in UID order, each run of two or
// more new plain complaints (no thread, no doubt, nothing a cap would hold
// back: see fresh.go) is stored set-wise in one savepoint, about ten
// statements for the whole run instead of about fifteen per mail, and
// every other mail alone in its savepoint as before. A run is all or
// nothing: when it fails it is rolled back to its savepoint and the rest of
// the batch goes one mail at a time, so a mail that fails still fails
// alone. What each mail of a run gets is what open gives one mail: the same
// case, events, acknowledgement, notification and cap counts.
//
// Promises, each proved by the tests:
//   - Every mail is stored raw, whatever its class; nothing is dropped. Every
//     text value is cleaned before it reaches PostgreSQL (valid UTF-8, no
//     NUL: parse hands out nothing else, minimalMessage cleans what it
//     reads, and store.Clean cleans again on the way in), so no byte of a
//     mail can fail its transaction; the raw bytes stay as they were.
//   - Duplicates (dedupe.go): the same mail twice is one row, and the second
//     time Handle only answers the stored disposition. The same mail is the
//     same Message-ID and the same content hash (the author's header fields
//     and the body, without what hops add), or, without a Message-ID, the
//     same raw bytes or content hash. A different mail with a Message-ID
//     that is stored already is stored as its own message with a warning,
//     and handled like any other.
//   - A new complaint gets exactly one acknowledgement (outbox dedupe key
//     ack:<case>), queued in the transaction that opens the case.
//   - Machine mail and review (route.go): only proof of a machine
//     (classify.Result.Machine: a delivery or read report, a null return
//     path, our own mail, List-Id, a known bounce or auto-reply shape) keeps
//     a mail that threads nowhere without a case; it is never answered and
//     is counted, by kind, in the managers' digest. Besides that only two
//     kinds stay without a case: an answer to one of our own case-less
//     mails (a manager answering the digest) and a handler's mail that
//     names no case (answered with a hint). Everything else opens a case. A
//     soft signal (Result.Review), or any other doubt (a kind other than
//     complaint or reply), opens it marked for review (needs_review, with a
//     marked_for_review event holding the reasons) and without an
//     acknowledgement. So does a complaint whose sender already got the
//     day's quota of automatic mail, or whose reply address cannot be used
//     (the reason is in an ack_withheld event; the transaction never fails
//     on an address). A valid quoted local part ("jan de vries"@example.nl)
//     is an ordinary address: outbox keeps the quotes when sending.
//   - Over a limit, still a case (unread.go): a mail over the depth, part,
//     size or time limit, cut off at the fetch limit, or that the parser
//     could not read, opens a case for review when it has a usable reply
//     address and no proof of a machine, and is acknowledged; the handler's
//     notification starts with what could not be read and carries the raw
//     mail (.eml) when it is whole and within the size limit; a not_read
//     event records the same; the mail moves to Processed. Only such a mail
//     without a usable reply address goes to quarantine, without a case,
//     and is listed in the digest.
//   - Crash-loop memory (take.go, batch.go): before a mail is parsed it is
//     marked in hand (mails_in_hand, committed at once); the transaction that
//     stores it clears the mark. Handling of one mail is serialised across
//     instances by a transaction-level advisory lock. A mark left by
//     another process means that process died with the mail in hand
//     (a panic outside the handler, out of memory, SIGKILL): the mail is not
//     parsed again but stored raw with the safe header read (minimal.go:
//     the header of the first 64 KiB, bounded, standard library only),
//     logged at WARN, and then opens a case for review (or goes to
//     quarantine without a usable sender) as above. A batch marks all its
//     mails in hand together (in_batch) before its transaction and clears
//     them in it. A death during a batch does not point at one mail: when
//     any mail of a batch carries a mark of a dead process, the batch is
//     not run as one (mail_batch_died_in_hand, WARN) but each of its mails
//     goes through Handle alone, parsed normally unless its own mark was a
//     single one (in_batch false); so the mail that kills the process is
//     found on the next death, and only it gets the safe header read. A
//     failed attempt of the
//     same process is not a death; after MaxAttempts of them the mailbox
//     calls Quarantine, which stores the safe header read only and cannot
//     fail on content.
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
//
// The procedure (issue 13; commands in command*.go, mails in
// procedure_mails.go):
//   - Commands by mail are a table; a mail's commands apply all or none,
//     are confirmed to the handler, and are refused whole from a sender who
//     is not an authenticated handler.
//   - The person complained about (#beklaagde) gets a copy of the complaint
//     and its attachments unless "geen-afschrift <reden>" records why not;
//     their reply is recorded (respondent_reply) and forwarded to the
//     handler, never relayed to the complainant.
//   - Under a policy that requires a hearing (awb, or require_hearing), a
//     judgment (#sluit gegrond|ongegrond|deels) is refused until a report
//     (#verslag) or a lawful reason (#geen-hoorzitting) is recorded; a
//     withdrawal or informal resolution needs neither.
//   - #sluit with a judgment sends the handler's text as a decision letter
//     with the outcome, the measures, the hearing report (report_in_decision)
//     and the policy's recourse; without text none is sent, and the
//     confirmation says so.
//   - A mail to a closed case never reopens it and never restarts its
//     clock: it is recorded (mail_after_closing, or feedback_received after
//     the follow-up question) and forwarded; #heropen <reden> reopens, with
//     a new term only under reopen_new_term.
package cases

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
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
	// holder names this process in mails_in_hand (random, per Intake).
	holder string
	// commandHelp is CommandHelp, built once: the footer of every mail to a
	// handler (it was built from the command table for every mail).
	commandHelp string
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
	// Contact is who the acknowledgement names as contact person.
	Contact Contact
	Now     func() time.Time
	Logger  *slog.Logger

	// Dossier builds the dossier zip of a case (internal/records), for
	// the mail command #dossier; nil refuses that command.
	Dossier func(ctx context.Context, ref string) ([]byte, error)
}

// NewIntake returns an Intake.
func NewIntake(o Options) *Intake {
	if o.RefPrefix == "" {
		o.RefPrefix = "KL"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	in := &Intake{store: o.Store, o: o, holder: newHolder(), commandHelp: CommandHelp()}
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

// Handle implements mailbox.Handler: one mail, one transaction (handle).
func (in *Intake) Handle(ctx context.Context, m mailbox.Mail) (mailbox.Disposition, error) {
	r := in.handle(ctx, m)
	return r.Disposition, r.Err
}

// handle is Handle with the kind the mail was stored as. Before the mail is
// parsed it is marked in hand in a short transaction of its own; the mark is
// cleared in the transaction that stores the mail (see read).
func (in *Intake) handle(ctx context.Context, m mailbox.Mail) mailbox.Result {
	people := in.people.Load()
	key := mailKey(m)
	var res mailbox.Result
	err := in.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockMail(ctx, key); err != nil {
			return err
		}
		prev, err := in.store.MarkInHand(ctx, key, in.holder)
		if err != nil {
			return err
		}
		t := in.read(m, people, prev)
		if err := tx.ClearInHand(ctx, key); err != nil {
			return err
		}
		if res, err = in.keep(ctx, tx, m, t, people); err != nil {
			return err
		}
		return tx.SaveCheckpoint(ctx, m.Mailbox, m.UIDValidity, m.UID)
	})
	if err != nil {
		in.forgetInHand(ctx, key)
		return mailbox.Result{Err: fmt.Errorf("cases: handle uid %d: %w", m.UID, err)}
	}
	return res
}

// keep stores the mail and routes it. A mail that could not be read in full
// goes to quarantine only when it has no usable reply address; otherwise it
// is routed like any other (see open for what changes). The Result's Kind is
// the mail's class, or "duplicate" for a copy of a stored mail; its Err is
// always nil (the error is the second value).
func (in *Intake) keep(ctx context.Context, tx *store.Tx, m mailbox.Mail, t *take, p *People) (mailbox.Result, error) {
	row := messageRow(m, t.msg, t.res)
	row.Reasons = append(row.Reasons, t.unread...)
	quarantine := len(t.unread) > 0 && !usableAddress(t.msg.ReplyAddress)
	row.Quarantined = quarantine
	if err := in.warnReused(ctx, tx, row); err != nil {
		return mailbox.Result{}, err
	}
	id, inserted, err := tx.InsertMessage(ctx, row)
	if err != nil {
		return mailbox.Result{}, err
	}
	if !inserted {
		stored, err := tx.StoredMessage(ctx, row.MessageID.String, row.ContentSHA256.String, row.SHA256)
		if err != nil {
			return mailbox.Result{}, err
		}
		in.o.Logger.Info("mail_duplicate", slog.Uint64("uid", uint64(m.UID)), slog.Int64("message", stored.ID))
		return mailbox.Result{Disposition: disposition(stored.Quarantined), Kind: "duplicate"}, nil
	}
	if quarantine {
		in.o.Logger.Warn("mail_quarantined", slog.Uint64("uid", uint64(m.UID)), slog.Int64("message", id),
			slog.Any("unread", t.unread))
		return mailbox.Result{Disposition: mailbox.Quarantine, Kind: row.Kind}, nil
	}
	row.ID = id
	return mailbox.Result{Disposition: mailbox.Processed, Kind: row.Kind}, in.route(ctx, tx, row, t, p)
}

// warnReused notes on row when another mail with its Message-ID is stored.
func (in *Intake) warnReused(ctx context.Context, tx *store.Tx, row *store.Message) error {
	if !row.MessageID.Valid {
		return nil
	}
	reused, err := tx.MessageIDReused(ctx, row.MessageID.String, row.ContentSHA256.String)
	if err != nil || !reused {
		return err
	}
	in.o.Logger.Warn("message_id_reused", slog.String("message_id", row.MessageID.String), slog.String("from", row.FromAddress))
	row.Warnings = append(row.Warnings, "Message-ID "+row.MessageID.String+" was stored before for another mail: stored as a mail of its own")
	return nil
}

func disposition(quarantined bool) mailbox.Disposition {
	if quarantined {
		return mailbox.Quarantine
	}
	return mailbox.Processed
}

// Quarantine implements mailbox.Handler: keep a mail that Handle could not
// take, raw and flagged. It does not parse the mail: the row holds the safe
// header read (minimalMessage), cleaned and bounded, so that it cannot fail
// on the mail's content. The digest lists it.
func (in *Intake) Quarantine(ctx context.Context, m mailbox.Mail, reason error) error {
	msg := minimalMessage(m.Raw)
	msg.SHA256 = sha256Hex(m.Raw)
	return in.store.InTx(ctx, func(tx *store.Tx) error {
		row := messageRow(m, msg, classify.Result{Kind: "quarantine"})
		row.Quarantined = true
		row.Reasons = append(row.Reasons, "quarantined: "+boundRunes(store.Clean(reason.Error()), 500))
		if _, _, err := tx.InsertMessage(ctx, row); err != nil {
			return err
		}
		if err := tx.ClearInHand(ctx, mailKey(m)); err != nil {
			return err
		}
		return tx.SaveCheckpoint(ctx, m.Mailbox, m.UIDValidity, m.UID)
	})
}

func messageRow(m mailbox.Mail, msg *parse.Message, res classify.Result) *store.Message {
	row := &store.Message{
		SHA256: msg.SHA256, Raw: m.Raw, Size: len(m.Raw), Kind: string(res.Kind),
		FromAddress: firstAddress(msg.From), Subject: msg.Subject,
		InternalDate: m.InternalDate, Mailbox: m.Mailbox,
		Reasons: append([]string{}, res.Reasons...), Warnings: msg.Warnings,
	}
	row.ContentSHA256.String, row.ContentSHA256.Valid = ContentHash(m.Raw), true
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
	return row
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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

func newHolder() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
