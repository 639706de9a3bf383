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
func (in *Intake) route(ctx context.Context, tx *store.Tx, row *store.Message, msg *parse.Message, res classify.Result, p *People) error {
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
		return in.threaded(ctx, tx, c, row, msg, res, p)
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
	switch res.Kind {
	case classify.Complaint, classify.Reply:
		// A reply whose reference we do not know is a new complaint.
		return in.open(ctx, tx, row, msg, res, p)
	case classify.HandlerReply:
		return in.handlerWithoutCase(ctx, tx, row, msg, p)
	default:
		in.o.Logger.Info("machine_mail_stored", slog.Int64("message", row.ID), slog.String("kind", string(res.Kind)),
			slog.Any("reasons", res.Reasons))
		return nil
	}
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
