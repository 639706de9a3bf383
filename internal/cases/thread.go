package cases

import (
	"context"

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
		// A permanent failure to the complainant's address of a mail we sent
		// on this case means they never got it: flag the case for a handler
		// to reach them otherwise. A delay report, a bounce from a handler's
		// address, or one that names none of our Message-IDs (a case
		// reference in a subject can be guessed; our Message-IDs cannot) is
		// recorded only.
		permanent := msg.Report == nil || msg.Report.Permanent()
		rcpt := ""
		if msg.Report != nil {
			rcpt = lower(msg.Report.Recipient)
		}
		complainant := rcpt == "" || rcpt == c.ComplainantAddress
		ours, err := tx.SentOnCase(ctx, c.ID, bouncedIDs(msg, res))
		if err != nil {
			return err
		}
		ev.Actor, ev.Kind = "klachtd", "bounce_received"
		ev.Detail = store.Detail(map[string]any{"reasons": res.Reasons, "status": reportStatus(msg),
			"recipient": rcpt, "permanent": permanent, "names_our_mail": ours})
		if permanent && complainant && ours {
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
// resumes a paused one; a mail to a closed case (a "Bedankt!" after the
// decision) is recorded ("mail_after_closing", or "feedback_received" once
// the follow-up question went out) and forwarded, and the case stays closed with its
// clock stopped: the handler reopens it with #heropen when it is more than
// thanks. From the person complained about it is their reply
// ("respondent_reply"); from anyone else (a manager answering an
// escalation, someone in Cc) it changes nothing. Either way it is forwarded
// to the handler, saying who wrote, never relayed, and it never gets a
// second acknowledgement.
func (in *Intake) followUp(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, msg *parse.Message, p *People) error {
	now := in.o.Now()
	fromComplainant, err := in.fromComplainant(ctx, tx, c, row)
	if err != nil {
		return err
	}
	kind := "followup_received"
	switch {
	case fromComplainant && c.Status == store.StatusClosed:
		kind = "mail_after_closing"
		// After the follow-up question (schedule: followup) the answer is
		// the complainant's feedback.
		asked, err := tx.SentKindOnCase(ctx, c.ID, "followup")
		if err != nil {
			return err
		}
		if asked {
			kind = "feedback_received"
		}
	case !fromComplainant && c.RespondentAddress != "" && lower(row.FromAddress) == c.RespondentAddress:
		kind = "respondent_reply"
	case !fromComplainant:
		kind = "mail_received"
	}
	if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: row.FromAddress, Kind: kind, Message: nullID(row.ID)}); err != nil {
		return err
	}
	switch {
	case !fromComplainant:
	case c.Status == store.StatusWaiting:
		if err := in.resume(ctx, tx, c, row, now); err != nil {
			return err
		}
	}
	return in.forward(ctx, tx, c, msg, row.ID, p, fromComplainant)
}

// fromComplainant reports whether a mail on c is the complainant's: its From
// address is the case's complainant address or the From of the mail that
// opened the case. Reply-To is not looked at: anyone can set it, and with a
// guessable reference in the subject it would let anyone reopen a case.
func (in *Intake) fromComplainant(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message) (bool, error) {
	from := lower(row.FromAddress)
	if from == "" {
		return false, nil
	}
	if from == c.ComplainantAddress {
		return true, nil
	}
	opener, err := tx.OpeningFrom(ctx, c.ID)
	return err == nil && opener == from, err
}

// bouncedIDs are the Message-IDs a bounce says it is about: the report's
// original Message-ID, the one classify found in a returned message or its
// quoted headers, and the bounce's In-Reply-To and References.
func bouncedIDs(msg *parse.Message, res classify.Result) []string {
	ids := append(append([]string{}, msg.InReplyTo...), msg.References...)
	if msg.Report != nil && msg.Report.OriginalMessageID != "" {
		ids = append(ids, msg.Report.OriginalMessageID)
	}
	if res.OriginalMessageID != "" {
		ids = append(ids, res.OriginalMessageID)
	}
	return ids
}

func reportStatus(msg *parse.Message) string {
	if msg.Report == nil {
		return ""
	}
	return msg.Report.Status
}
