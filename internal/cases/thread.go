package cases

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// threaded records a mail that belongs to an existing case c (locked).
func (in *Intake) threaded(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, msg *parse.Message, res classify.Result, p *People) error {
	now := in.o.Now()
	ev := &store.Event{CaseID: c.ID, At: now, Actor: row.FromAddress, Message: nullID(row.ID)}
	switch res.Kind {
	case classify.Bounce:
		// A permanent failure to the complainant's address means they never
		// got our mail: flag the case for a handler to reach them otherwise.
		// A delay report, or a bounce from a handler's address, is recorded only.
		permanent := msg.Report == nil || msg.Report.Permanent()
		rcpt := ""
		if msg.Report != nil {
			rcpt = lower(msg.Report.Recipient)
		}
		complainant := rcpt == "" || rcpt == c.ComplainantAddress
		ev.Actor, ev.Kind = "klachtd", "bounce_received"
		ev.Detail = store.Detail(map[string]any{"reasons": res.Reasons, "status": reportStatus(msg),
			"recipient": rcpt, "permanent": permanent})
		if permanent && complainant {
			if err := tx.FlagAckBounced(ctx, c.ID, now); err != nil {
				return err
			}
		}
		return tx.AddEvent(ctx, ev)
	case classify.AutoReply, classify.List, classify.Spam, classify.Loop:
		ev.Kind = "machine_mail_received"
		ev.Detail = store.Detail(map[string]any{"kind": res.Kind, "reasons": res.Reasons})
		return tx.AddEvent(ctx, ev)
	case classify.HandlerReply:
		return in.handlerMail(ctx, tx, c, row, msg, p)
	}
	return in.followUp(ctx, tx, c, row, msg, p)
}

// followUp records a further mail on a case. From the complainant it
// reopens a closed case and resumes a paused one; from anyone else (a
// manager answering an escalation, someone in Cc) it changes nothing. Either
// way it is forwarded to the handler, saying who wrote, and it never gets a
// second acknowledgement.
func (in *Intake) followUp(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, msg *parse.Message, p *People) error {
	now := in.o.Now()
	fromComplainant := c.ComplainantAddress != "" &&
		(row.FromAddress == c.ComplainantAddress || lower(msg.ReplyAddress) == c.ComplainantAddress)
	kind := "followup_received"
	if !fromComplainant {
		kind = "mail_received"
	}
	if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: row.FromAddress, Kind: kind, Message: nullID(row.ID)}); err != nil {
		return err
	}
	switch {
	case !fromComplainant:
	case c.Status == store.StatusClosed:
		if err := in.reopen(ctx, tx, c, row, now); err != nil {
			return err
		}
	case c.Status == store.StatusWaiting:
		if err := in.resume(ctx, tx, c, row, now); err != nil {
			return err
		}
	}
	return in.forward(ctx, tx, c, msg, row.ID, p, fromComplainant)
}

// reopen takes a closed case up again when the complainant writes: an
// event, never a silent new case.
func (in *Intake) reopen(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, now time.Time) error {
	prev := c.Outcome.String
	c.Status, c.Outcome, c.ClosedAt, c.UpdatedAt = store.StatusInProgress, sql.NullString{}, sql.NullTime{}, now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	in.o.Logger.Info("case_reopened", slog.String("case_ref", c.Ref))
	return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: row.FromAddress, Kind: "reopened",
		Message: nullID(row.ID), Detail: store.Detail(map[string]any{"previous_outcome": prev})})
}

func reportStatus(msg *parse.Message) string {
	if msg.Report == nil {
		return ""
	}
	return msg.Report.Status
}
