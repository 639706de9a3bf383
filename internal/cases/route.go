package cases

import (
	"context"
	"errors"
	"log/slog"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// route decides what a newly stored mail does: thread into a case, open one,
// or stay machine mail without a case.
//
// The rule: a mail that threads to a case goes to that case. Of the rest,
// only proof of a machine (classify.Result.Machine) keeps a mail without a
// case, besides an answer to one of our own case-less mails (staff talk)
// and a handler's mail that names no case. Everything else opens a case;
// a soft machine signal (Result.Review) or any other doubt (a kind other
// than complaint or reply) opens it for review, without acknowledgement.
func (in *Intake) route(ctx context.Context, tx *store.Tx, row *store.Message, t *take, p *People) error {
	msg, res := t.msg, t.res
	caseID, err := findCase(ctx, tx, msg, res)
	switch {
	case err == nil:
		if err := tx.SetMessageCase(ctx, row.ID, caseID); err != nil {
			return err
		}
		c, err := tx.CaseByID(ctx, caseID)
		if err != nil {
			return err
		}
		if err := in.threaded(ctx, tx, c, row, msg, res, p); err != nil {
			return err
		}
		return in.noteUnread(ctx, tx, c.ID, row, t)
	case !errors.Is(err, errNoCase):
		return err
	}
	// An answer to one of our mails that belongs to no case (a manager
	// replying to the digest) is staff talk, not a complaint.
	if ids := append(append([]string{}, msg.InReplyTo...), msg.References...); len(ids) > 0 {
		ours, err := tx.RefersToOurMail(ctx, ids)
		if err != nil {
			return err
		}
		if ours {
			in.o.Logger.Info("reply_to_caseless_mail_stored", slog.Int64("message", row.ID), slog.String("from", row.FromAddress))
			return nil
		}
	}
	// A handler or registrar registering a complaint on someone's behalf
	// (registration.go); proof of a machine still wins.
	if r, ok := isRegistration(msg, p); ok && !res.Machine {
		return in.register(ctx, tx, row, t, p, r)
	}
	switch {
	case res.Kind == classify.HandlerReply:
		return in.handlerWithoutCase(ctx, tx, row, msg, p)
	case res.Machine:
		in.o.Logger.Info("machine_mail_stored", slog.Int64("message", row.ID), slog.String("kind", string(res.Kind)),
			slog.Any("reasons", res.Reasons))
		return nil
	}
	// A form mail from a website is the complaint of the person in the
	// form (formmail.go).
	if ft, f := in.asForm(t, p); ft != nil {
		how := openingFor(ft)
		how.fields = formFields(f)
		return in.open(ctx, tx, row, ft, p, how)
	}
	return in.open(ctx, tx, row, t, p, openingFor(t))
}

// openingFor says how a mail that threads nowhere opens its case.
func openingFor(t *take) opening {
	var o opening
	if doubt := reviewReasons(t.res); len(doubt) > 0 {
		o.review, o.noAck = doubt, doubt
	}
	if len(t.unread) > 0 {
		// The complainant did write: acknowledge, and let a person read it.
		o.review = append(o.review, t.unread...)
		o.unread = t.unread
	}
	return o
}

// reviewReasons are why a person must look at a mail that opens a case
// although classify found signs of a machine (soft ones: Machine is false).
func reviewReasons(res classify.Result) []string {
	if !res.Review && (res.Kind == classify.Complaint || res.Kind == classify.Reply) {
		return nil
	}
	if len(res.Reasons) == 0 {
		return []string{"classified as " + string(res.Kind)}
	}
	return res.Reasons
}

// findCase threads a mail: In-Reply-To/References naming a mail we stored or
// sent, else the reference in the subject or a +KL-… address, else (for a
// bounce) the Message-ID of our mail named in the report. Apple Mail may
// rewrite References, so the reference in the subject stays a second path.
func findCase(ctx context.Context, tx *store.Tx, msg *parse.Message, res classify.Result) (int64, error) {
	ids := bouncedIDs(msg, res)
	if len(ids) > 0 {
		id, err := tx.CaseByMessageIDs(ctx, ids)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return id, err
		}
	}
	if msg.CaseRef != "" {
		id, err := tx.CaseIDByRef(ctx, msg.CaseRef)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return id, err
		}
	}
	return 0, errNoCase
}
