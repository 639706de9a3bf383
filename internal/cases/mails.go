package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// MailData is what the templates for handlers and complainants get.
type MailData struct {
	Case        *store.Case
	Subject     string // the case's subject, without Re:/Fwd: prefixes
	IntakeName  string
	Intake      string // the intake address
	Handler     *config.Handler
	From        string   // who wrote the mail this one is about
	Text        string   // the complaint, follow-up, or answer text
	Attachments []string // file names carried along
	Changes     []string // confirm: what was applied
	Errors      []string // confirm: what was refused
	Reason      string   // extension: why
	// FromComplainant: a forwarded mail is the complainant's (not a
	// manager's or someone else's in the thread).
	FromComplainant bool
	Commands        string // the command summary for handler footers

	// The procedure (issue 13; procedure_mails.go).
	Outcome    string            // decision: gegrond, ongegrond, deels_gegrond
	Measures   []MeasureLine     // decision: the measures on the case, with their terms
	Report     string            // decision: the hearing report, when recorded
	Recourse   deadline.Recourse // decision: where to go next; empty Name = none
	Hearing    *HearingLine      // hearing: when and where
	Committee  string            // committee: its name
	Respondent bool              // the mail goes to the person complained about

	// The acknowledgement's contact person and next steps.
	Contact     Contact
	HandlerName string // the assigned handler's name, "" when none
	MayHear     bool   // the policy has the parties heard before deciding
	MayExtend   bool   // the policy allows an extension of the term

	// Fields are the case's structured fields (channel, desired outcome,
	// incident date, department, registrar); nil for a plain e-mail case.
	Fields *store.Fields
}

// Contact is the contact person of the complaint procedure ([intake]
// contact_name, contact_role, contact_phone, support), shown as written.
type Contact struct {
	Name, Role, Phone, Support string
}

// MeasureLine is a measure as the templates show it.
type MeasureLine struct {
	N      int
	Text   string
	Due    *deadline.Date
	Result string // ja, nee, deels; "" while open
	Note   string
}

// HearingLine is a hearing as the templates show it.
type HearingLine struct {
	At    time.Time
	Place string // a place, "telefonisch", "video" or ""
}

func (in *Intake) data(c *store.Case) MailData {
	return MailData{Case: c, Subject: c.Subject, IntakeName: in.o.IntakeName, Intake: in.o.Intake, Commands: in.commandHelp,
		Contact: in.o.Contact}
}

// queue enqueues m and records an event for it, caused by mail row cause.
func (in *Intake) queue(ctx context.Context, tx *store.Tx, m outbox.Mail, cause int64, event string) error {
	_, err := in.enqueue(ctx, tx, m, cause, event)
	return err
}

// enqueue is queue that tells what was queued.
func (in *Intake) enqueue(ctx context.Context, tx *store.Tx, m outbox.Mail, cause int64, event string) (outbox.Enqueued, error) {
	q, err := in.o.Queue.Enqueue(ctx, tx, m)
	if err != nil || !q.Inserted || m.CaseID == 0 {
		return q, err
	}
	return q, tx.AddEvent(ctx, queuedEvent(m, q, cause, event, in.o.Now()))
}

// queuedEvent records on m's case that m was queued (as q), caused by mail
// row cause.
func queuedEvent(m outbox.Mail, q outbox.Enqueued, cause int64, event string, now time.Time) *store.Event {
	var rcpt []string
	for _, a := range append(append([]outbox.Address{}, m.To...), m.Cc...) {
		rcpt = append(rcpt, a.Address)
	}
	return &store.Event{CaseID: m.CaseID, At: now, Actor: "klachtd", Kind: event,
		Message: nullID(cause), Outbox: nullID(q.ID),
		Detail: store.Detail(map[string]any{"to": rcpt, "message_id": q.MessageID})}
}

// notifyHandler sends a new (or newly assigned) case to its handler, with
// the complaint's text and attachments; replies go to the intake address.
func (in *Intake) notifyHandler(ctx context.Context, tx *store.Tx, c *store.Case, h *config.Handler, msg *parse.Message, cause int64) error {
	return in.toHandler(ctx, tx, c, h, msg, cause, "notify", "handler_notified", true)
}

// forward passes a complainant's follow-up to the case's handler (the
// default handler when the case has none that is still configured).
func (in *Intake) forward(ctx context.Context, tx *store.Tx, c *store.Case, msg *parse.Message, cause int64, p *People, fromComplainant bool) error {
	h := p.Handler(c.HandlerAddress)
	if h == nil {
		h = p.defaultHandler()
	}
	if h == nil {
		return nil
	}
	return in.toHandler(ctx, tx, c, h, msg, cause, "forward", "followup_forwarded", fromComplainant)
}

// toHandler queues a mail of kind (its template has the same name) that
// carries msg's text and attachments to handler h.
func (in *Intake) toHandler(ctx context.Context, tx *store.Tx, c *store.Case, h *config.Handler, msg *parse.Message, cause int64, kind, event string, fromComplainant bool) error {
	f, err := tx.FieldsOf(ctx, c.ID)
	if err != nil {
		return err
	}
	var fields *store.Fields
	if !f.Empty() {
		fields = &f
	}
	return in.queue(ctx, tx, in.toHandlerMail(c, h, msg, fields, kind, fromComplainant), cause, event)
}

// toHandlerMail is toHandler's mail, with the case's structured fields (nil:
// none).
func (in *Intake) toHandlerMail(c *store.Case, h *config.Handler, msg *parse.Message, fields *store.Fields, kind string, fromComplainant bool) outbox.Mail {
	d := in.data(c)
	d.Handler, d.From, d.Text, d.FromComplainant, d.Fields = h, fromLine(msg), msg.Text, fromComplainant, fields
	atts, names := attachments(msg)
	d.Attachments = names
	return outbox.Mail{
		CaseID: c.ID, Kind: kind, To: []outbox.Address{{Name: h.Name, Address: h.Address}},
		ReplyTo: in.o.Intake, Auto: outbox.AutoGenerated, Template: kind, Lang: in.o.Language,
		Data: d, Attachments: atts,
	}
}

// relay sends a handler's answer to the complainant from the intake address,
// threaded on the complainant's own last mail.
func (in *Intake) relay(ctx context.Context, tx *store.Tx, c *store.Case, text string, msg *parse.Message, cause int64) error {
	d := in.data(c)
	d.Text = text
	atts, _ := attachments(msg)
	return in.toComplainant(ctx, tx, c, "relay", d, atts, cause, "answer_relayed")
}

// extensionNotice tells the complainant the new date and why (Awb 9:11 lid 2),
// and the person complained about too when the case names one.
func (in *Intake) extensionNotice(ctx context.Context, tx *store.Tx, c *store.Case, reason string, cause int64) error {
	d := in.data(c)
	d.Reason = reason
	if err := in.toComplainant(ctx, tx, c, "extension", d, nil, cause, "extension_notice_queued"); err != nil || c.RespondentAddress == "" {
		return err
	}
	return in.queue(ctx, tx, outbox.Mail{
		CaseID: c.ID, Kind: "extension_respondent", To: []outbox.Address{{Name: c.RespondentName, Address: c.RespondentAddress}},
		Template: "extension_respondent", Lang: in.o.Language, Data: d,
	}, cause, "extension_notice_queued")
}

// toComplainant queues a mail of kind (its template has the same name) to
// the complainant in their language, threaded on their own last mail.
// Like the acknowledgement, it echoes the complainant's name and subject
// only bounded and without links (echo.go).
// A complainant without a usable address (a letter registered without one,
// or an address no quoting can save) gets no mail: a mail_not_sent event
// records what was not sent and why, and the transaction goes on.
func (in *Intake) toComplainant(ctx context.Context, tx *store.Tx, c *store.Case, kind string, d MailData, atts []outbox.Attachment, cause int64, event string) error {
	if !usableAddress(c.ComplainantAddress) {
		reason := "no e-mail address"
		if r := unusable(c.ComplainantAddress); len(r) > 0 {
			reason = r[0]
		}
		return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: in.o.Now(), Actor: "klachtd", Kind: "mail_not_sent",
			Message: nullID(cause), Detail: store.Detail(map[string]any{"kind": kind, "reason": reason})})
	}
	d.Case, d.Subject = echoCase(c)
	m := outbox.Mail{
		CaseID: c.ID, Kind: kind, To: []outbox.Address{{Name: d.Case.ComplainantName, Address: c.ComplainantAddress}},
		Template: kind, Lang: c.Language, Data: d, Attachments: atts,
	}
	if last, err := tx.LastMailFrom(ctx, c.ID, c.ComplainantAddress); err == nil {
		m.InReplyTo, m.References = last.MessageID.String, last.Refs
	}
	return in.queue(ctx, tx, m, cause, event)
}

// confirm answers a handler: what their commands changed. c may be nil when
// the mail belonged to no case. An answer that reports nothing was done goes
// through notice instead, which is capped.
func (in *Intake) confirm(ctx context.Context, tx *store.Tx, c *store.Case, to string, changes []string, msg *parse.Message, cause int64) error {
	return in.queue(ctx, tx, in.confirmMail(c, to, changes, nil, msg), cause, "handler_confirmed")
}

func (in *Intake) confirmMail(c *store.Case, to string, changes, errs []string, msg *parse.Message) outbox.Mail {
	d := MailData{IntakeName: in.o.IntakeName, Intake: in.o.Intake, Changes: changes, Errors: errs, Commands: in.commandHelp,
		Subject: truncate(msg.Subject, maxEchoSubject)}
	m := outbox.Mail{Kind: "confirm", To: []outbox.Address{{Address: to}}, InReplyTo: msg.MessageID, References: msg.References,
		Auto: outbox.AutoGenerated, Template: "confirm", Lang: in.o.Language, Data: &d}
	if c != nil {
		d.Case, d.Subject, m.CaseID = c, c.Subject, c.ID
	}
	return m
}

func attachments(msg *parse.Message) ([]outbox.Attachment, []string) {
	var atts []outbox.Attachment
	var names []string
	for _, a := range msg.Attachments {
		if a.Data == nil {
			names = append(names, a.Filename+" (te groot, niet meegestuurd)")
			continue
		}
		name := a.Filename
		if name == "" {
			name = fmt.Sprintf("bijlage-%d", len(atts)+1)
		}
		atts = append(atts, outbox.Attachment{Filename: name, ContentType: a.ContentType, Data: a.Data})
		names = append(names, name)
	}
	return atts, names
}

func fromLine(msg *parse.Message) string {
	if len(msg.From) == 0 {
		return msg.ReplyAddress
	}
	f := msg.From[0]
	if f.Address == "" {
		return f.Name
	}
	if f.Name == "" {
		return f.Address
	}
	return fmt.Sprintf("%s <%s>", f.Name, f.Address)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
