package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// route decides what a newly stored mail does: thread into a case, open one,
// or stay machine mail without a case.
func (in *Intake) route(ctx context.Context, tx *store.Tx, row *store.Message, msg *parse.Message, res classify.Result) error {
	caseID, err := findCase(ctx, tx, msg)
	switch {
	case err == nil:
		if err := tx.SetMessageCase(ctx, row.ID, caseID); err != nil {
			return err
		}
		return in.threaded(ctx, tx, caseID, row, msg, res)
	case !errors.Is(err, errNoCase):
		return err
	}
	switch res.Kind {
	case classify.Complaint, classify.Reply:
		// A reply whose reference we do not know is a new complaint.
		return in.open(ctx, tx, row, msg, res)
	default:
		in.o.Logger.Info("machine_mail_stored", slog.Int64("message", row.ID), slog.String("kind", string(res.Kind)),
			slog.Any("reasons", res.Reasons))
		return nil
	}
}

// findCase threads a mail: In-Reply-To/References naming a mail we stored or
// sent, else the reference in the subject or a +KL-… address.
func findCase(ctx context.Context, tx *store.Tx, msg *parse.Message) (int64, error) {
	ids := append(append([]string{}, msg.InReplyTo...), msg.References...)
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
	// A bounce names our mail in its report, not in its own headers.
	if msg.Report != nil && msg.Report.OriginalMessageID != "" {
		id, err := tx.CaseByMessageIDs(ctx, []string{msg.Report.OriginalMessageID})
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return id, err
		}
	}
	return 0, errNoCase
}

// threaded records a mail that belongs to an existing case.
func (in *Intake) threaded(ctx context.Context, tx *store.Tx, caseID int64, row *store.Message, msg *parse.Message, res classify.Result) error {
	now := in.o.Now()
	ev := &store.Event{CaseID: caseID, At: now, Actor: row.FromAddress, Message: sql.NullInt64{Int64: row.ID, Valid: true}}
	switch res.Kind {
	case classify.Bounce:
		ev.Actor, ev.Kind = "klachtd", "bounce_received"
		ev.Detail = store.Detail(map[string]any{"reasons": res.Reasons, "status": reportStatus(msg)})
		if err := tx.FlagAckBounced(ctx, caseID, now); err != nil {
			return err
		}
	case classify.AutoReply, classify.List, classify.Spam, classify.Loop:
		ev.Kind = "machine_mail_received"
		ev.Detail = store.Detail(map[string]any{"kind": res.Kind, "reasons": res.Reasons})
	case classify.HandlerReply:
		ev.Kind = "handler_mail_received"
	default:
		ev.Kind = "followup_received"
	}
	return tx.AddEvent(ctx, ev)
}

func reportStatus(msg *parse.Message) string {
	if msg.Report == nil {
		return ""
	}
	return msg.Report.Status
}

// open starts a new case and queues its acknowledgement unless that is
// withheld (machine signals, the daily cap, no reply address).
func (in *Intake) open(ctx context.Context, tx *store.Tx, row *store.Message, msg *parse.Message, res classify.Result) error {
	received := row.InternalDate
	sched := in.o.Policy.Compute(received, false, in.o.Calendar)
	now := in.o.Now()
	ref, err := tx.NextRef(ctx, in.o.RefPrefix, received.In(locAmsterdam()).Year())
	if err != nil {
		return err
	}
	c := &store.Case{
		Ref: ref, Status: store.StatusReceived, ComplainantName: complainantName(msg),
		ComplainantAddress: msg.ReplyAddress, Subject: parse.StripSubjectPrefixes(msg.Subject),
		Language: guessLanguage(msg.Text, in.o.Language), ReceivedAt: received, Policy: in.o.Policy.Name,
		AckDue: sched.AckDue, DecisionDue: sched.DecisionDue, CreatedAt: now,
	}
	withheld := in.withhold(ctx, tx, msg, res, now)
	c.NeedsReview = len(withheld) > 0
	if err := tx.InsertCase(ctx, c); err != nil {
		return err
	}
	if err := tx.SetMessageCase(ctx, row.ID, c.ID); err != nil {
		return err
	}
	err = tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: c.ComplainantAddress, Kind: "opened",
		Message: sql.NullInt64{Int64: row.ID, Valid: true},
		Detail:  store.Detail(map[string]any{"ref": ref, "received_at": received, "decision_due": c.DecisionDue, "policy": c.Policy})})
	if err != nil {
		return err
	}
	in.o.Logger.Info("case_opened", slog.String("case_ref", ref), slog.Int64("message", row.ID))
	if len(withheld) > 0 {
		in.o.Logger.Info("ack_withheld", slog.String("case_ref", ref), slog.Any("reasons", withheld))
		return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "ack_withheld", Message: sql.NullInt64{Int64: row.ID, Valid: true},
			Detail: store.Detail(map[string]any{"reasons": withheld})})
	}
	return in.acknowledge(ctx, tx, c, msg, row.ID)
}

// withhold lists why no acknowledgement may go out; empty means send it.
func (in *Intake) withhold(ctx context.Context, tx *store.Tx, msg *parse.Message, res classify.Result, now time.Time) []string {
	var why []string
	if !res.Acknowledge {
		why = append(why, res.Reasons...)
		if len(why) == 0 {
			why = append(why, "classified as "+string(res.Kind))
		}
	}
	if msg.ReplyAddress == "" {
		return append(why, "no reply address")
	}
	n, err := tx.AutomaticMailsTo(ctx, msg.ReplyAddress, now.Add(-24*time.Hour))
	if err == nil && n >= in.o.AutoRepliesPerDay {
		why = append(why, fmt.Sprintf("%s already got %d automatic mails in 24 hours", msg.ReplyAddress, n))
	}
	return why
}

func complainantName(msg *parse.Message) string {
	for _, list := range [][]parse.Address{msg.ReplyTo, msg.From} {
		if len(list) == 1 && list[0].Name != "" {
			return list[0].Name
		}
	}
	return ""
}
