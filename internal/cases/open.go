package cases

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// opening is how a case is opened, beyond the routing rules.
type opening struct {
	review []string // why a person must look: non-empty marks the case needs_review
	noAck  []string // why no acknowledgement may go out (besides withhold's)
	unread []string // what could not be read: noted in the case and the notification
	// fields are the case's structured fields (a form: formmail.go); nil
	// for a plain e-mail.
	fields *store.Fields
}

// open starts a new case, assigns it by the routing rules, queues its
// acknowledgement (unless withheld: machine signals, the daily cap, no
// usable reply address, a reason in how.noAck) and the handler's
// notification. A case opened for review gets a marked_for_review event
// with the reasons; a mail that could not be read in full gets a not_read
// event, a note at the top of the notification and the raw mail attached.
func (in *Intake) open(ctx context.Context, tx *store.Tx, row *store.Message, t *take, p *People, how opening) error {
	msg, res := t.msg, t.res
	now := in.o.Now()
	ref, err := tx.NextRef(ctx, in.o.RefPrefix, refYear(row))
	if err != nil {
		return err
	}
	c, handler := in.newCase(row, msg, p, ref, now)
	withheld := merge(how.noAck, in.withhold(ctx, tx, msg, res, now), unusable(c.ComplainantAddress))
	c.NeedsReview = len(how.review) > 0 || len(withheld) > 0 || handler == nil
	if err := tx.InsertCase(ctx, c); err != nil {
		return err
	}
	if err := tx.SetMessageCase(ctx, row.ID, c.ID); err != nil {
		return err
	}
	if err := in.saveFields(ctx, tx, c, row, how); err != nil {
		return err
	}
	if err := tx.AddEvent(ctx, openedEvent(c, row, now)); err != nil {
		return err
	}
	in.o.Logger.Info("case_opened", slog.String("case_ref", ref), slog.Int64("message", row.ID), slog.String("handler", c.HandlerAddress))
	if err := in.markForReview(ctx, tx, c, row, how, t); err != nil {
		return err
	}
	if len(withheld) > 0 {
		in.o.Logger.Info("ack_withheld", slog.String("case_ref", ref), slog.Any("reasons", withheld))
		err = tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "ack_withheld", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"reasons": withheld})})
	} else {
		err = in.acknowledge(ctx, tx, c, msg, row.ID)
	}
	if err != nil || handler == nil {
		return err
	}
	return in.notifyHandler(ctx, tx, c, handler, in.withUnreadNote(row, t), row.ID)
}

// refYear is the year whose counter numbers the case a mail opens: the
// year it was received, in the organisation's time zone.
func refYear(row *store.Message) int { return row.InternalDate.In(deadline.Location()).Year() }

// newCase is the case a mail opens under ref, routed to its category and
// handler (nil: none), its terms computed from the receipt; NeedsReview is
// the caller's. open and the set path of a batch (fresh.go) share it.
func (in *Intake) newCase(row *store.Message, msg *parse.Message, p *People, ref string, now time.Time) (*store.Case, *config.Handler) {
	received := row.InternalDate
	sched := in.o.Policy.Compute(received, false, in.o.Calendar)
	category, handler := p.route(msg)
	c := &store.Case{
		Ref: ref, Status: store.StatusReceived, Category: category, ComplainantName: complainantName(msg),
		ComplainantAddress: lower(msg.ReplyAddress), Subject: parse.StripSubjectPrefixes(msg.Subject),
		Language: guessLanguage(msg.Text, in.o.Language), ReceivedAt: received, Policy: in.o.Policy.Name,
		AckDue: sched.AckDue, DecisionDue: sched.DecisionDue, CreatedAt: now,
	}
	if handler != nil {
		c.HandlerAddress = lower(handler.Address)
	}
	return c, handler
}

// openedEvent is the first event of case c, opened by the mail in row.
func openedEvent(c *store.Case, row *store.Message, now time.Time) *store.Event {
	return &store.Event{CaseID: c.ID, At: now, Actor: c.ComplainantAddress, Kind: "opened", Message: nullID(row.ID),
		Detail: store.Detail(map[string]any{"ref": c.Ref, "received_at": c.ReceivedAt, "decision_due": c.DecisionDue,
			"policy": c.Policy, "category": c.Category, "handler": c.HandlerAddress})}
}

// markForReview records why a new case needs a person (marked_for_review)
// and what of its mail could not be read (not_read).
func (in *Intake) markForReview(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, how opening, t *take) error {
	now := in.o.Now()
	if len(how.review) > 0 {
		in.o.Logger.Info("case_marked_for_review", slog.String("case_ref", c.Ref), slog.Any("reasons", how.review))
		err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "marked_for_review", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"reasons": how.review})})
		if err != nil {
			return err
		}
	}
	if len(how.unread) == 0 {
		return nil
	}
	return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "not_read", Message: nullID(row.ID),
		Detail: store.Detail(map[string]any{"what": how.unread, "raw_attached": in.attachable(row, t), "safe_header_read": t.died})})
}

// merge joins reason lists, each reason once, in order.
func merge(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, r := range l {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// withhold lists why no acknowledgement may go out; empty means send it.
func (in *Intake) withhold(ctx context.Context, tx *store.Tx, msg *parse.Message, res classify.Result, now time.Time) []string {
	var why []string
	if !res.Acknowledge && res.Kind != classify.Reply {
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
	if len(why) > 0 {
		return why
	}
	// The caps against amplification (caps.go); a failed count withholds
	// (and fails the transaction anyway).
	if capped, err := in.ackCapped(ctx, tx, msg.ReplyAddress, now); err != nil {
		why = append(why, "cap: could not count acknowledgements")
	} else if capped != "" {
		why = append(why, capped)
	}
	return why
}

// resume ends a pause (wacht_op_klager) when the complainant writes: the due
// date moves by the days the case waited, as the policy allows.
func (in *Intake) resume(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, now time.Time) error {
	due, err := in.o.Policy.Resume(c.DecisionDue, c.PausedAt.Time, now)
	if err != nil {
		due = c.DecisionDue
	}
	from := c.DecisionDue
	c.Status, c.DecisionDue, c.PausedAt, c.UpdatedAt = store.StatusInProgress, due, sql.NullTime{}, now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: row.FromAddress, Kind: "resumed", Message: nullID(row.ID),
		Detail: store.Detail(map[string]any{"from": from, "to": due})})
}

func complainantName(msg *parse.Message) string {
	for _, list := range [][]parse.Address{msg.ReplyTo, msg.From} {
		if len(list) == 1 && list[0].Name != "" {
			return list[0].Name
		}
	}
	return ""
}
