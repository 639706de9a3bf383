package schedule

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
)

// candidate is a point that looked due and unsent when the sweep read the
// cases; its transaction checks again under the case's lock. i is the
// case's index in its page.
type candidate struct {
	i      int
	caseID int64
	ref    string
	kind   string
	key    string
}

// sweepPage is how many cases a sweep reads, computes and dates at a time:
// what bounds the sweep's memory, whatever the number of open cases.
const sweepPage = 1000

// sweepCases queues the due reminders and escalations of the cases that
// await a decision and whose sweep date has come (store.CasesToSweep):
// new and changed cases, and those with a point on or before today. It
// walks them in pages in the order of an index; for each page it reads the
// used dedupe keys in one query, gives only due and unsent points a
// transaction, and then writes each handled case's next sweep date, the
// day of its next point. A case whose point could not be sent (an error,
// no recipient, locked elsewhere) keeps its date and is looked at again at
// the next sweep, as before.
func (s *Sweeper) sweepCases(ctx context.Context, now time.Time, st Staff) error {
	if err := s.syncRules(ctx); err != nil {
		return err
	}
	today := deadline.DateOf(now)
	cur := store.SweepStart
	var errs []error
	for ctx.Err() == nil {
		cs, next, err := s.o.Store.CasesToSweep(ctx, today, cur, sweepPage)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("schedule: %w", err))...)
		}
		errs = append(errs, s.sweepPage(ctx, cs, today, st))
		if len(cs) < sweepPage {
			break
		}
		cur = next
	}
	return errors.Join(errs...)
}

// sweepPage sends the due points of one page of cases and dates the cases
// that are done.
func (s *Sweeper) sweepPage(ctx context.Context, cs []store.Case, today deadline.Date, st Staff) error {
	var cands []candidate
	var keys []string
	nexts := make([]string, len(cs))
	memo := newPointsMemo(s.o.Calendar)
	for i := range cs {
		c := &cs[i]
		d, next := plan(s.policyFor(c.Policy), c, today, memo)
		nexts[i] = next
		for _, x := range []struct {
			kind string
			pt   *deadline.Point
		}{{KindReminder, d.reminder}, {KindEscalation, d.escalation}} {
			if x.pt != nil {
				k := dedupeKey(x.kind, c.ID, *x.pt)
				cands = append(cands, candidate{i: i, caseID: c.ID, ref: c.Ref, kind: x.kind, key: k})
				keys = append(keys, k)
			}
		}
	}
	used, err := s.o.Store.ExistingDedupeKeys(ctx, keys)
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	undone := map[int]bool{}
	var errs []error
	for _, cand := range cands {
		if used[cand.key] || ctx.Err() != nil {
			undone[cand.i] = undone[cand.i] || ctx.Err() != nil
			continue
		}
		done, err := s.sendPoint(ctx, cand, today, st)
		if err != nil {
			s.o.Logger.Error("schedule_point_failed", slog.String("case_ref", cand.ref), slog.String("kind", cand.kind), slog.Any("error", err))
			errs = append(errs, err)
		}
		undone[cand.i] = undone[cand.i] || !done || err != nil
	}
	ns := make([]store.SweepNext, 0, len(cs))
	for i := range cs {
		if !undone[i] {
			ns = append(ns, store.SweepNext{Case: &cs[i], Next: nexts[i]})
		}
	}
	if err := s.o.Store.SetSweepDates(ctx, ns); err != nil {
		errs = append(errs, fmt.Errorf("schedule: %w", err))
	}
	return errors.Join(errs...)
}

// sendPoint queues one reminder or escalation with its event, in one
// transaction that holds the case's lock and recomputes the point from
// what the case is now. done is false when the point is still to be sent:
// the case is locked elsewhere or changed, or the mail has no recipient.
func (s *Sweeper) sendPoint(ctx context.Context, cand candidate, today deadline.Date, st Staff) (done bool, err error) {
	err = s.o.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ClaimCaseAwaitingDecision(ctx, cand.caseID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // answered, closed, or claimed by another instance
		}
		if err != nil {
			return err
		}
		d := pointsDue(s.policyFor(c.Policy), c, today, s.o.Calendar)
		pt := d.reminder
		if cand.kind == KindEscalation {
			pt = d.escalation
		}
		if pt == nil || dedupeKey(cand.kind, c.ID, *pt) != cand.key {
			return nil // the case changed since it was read
		}
		if cand.kind == KindReminder {
			done, err = s.remind(ctx, tx, c, *pt, today, st)
		} else {
			done, err = s.escalate(ctx, tx, c, *pt, today, st)
		}
		return err
	})
	return done && err == nil, err
}

// remind queues a reminder to the case's handler and records it.
func (s *Sweeper) remind(ctx context.Context, tx *store.Tx, c *store.Case, pt deadline.Point, today deadline.Date, st Staff) (bool, error) {
	to := st.handlerOrDefault(c.HandlerAddress)
	if to.Address == "" {
		s.o.Logger.Warn("reminder_without_handler", slog.String("case_ref", c.Ref), slog.String("point", pt.Name))
		return false, nil
	}
	data := ReminderData{IntakeName: s.o.IntakeName, HandlerName: to.Name, Case: s.line(st, c, today), Point: pt.Name,
		WorkingDaysLeft: s.o.Calendar.WorkingDaysBetween(today, c.DecisionDue)}
	return true, s.queue(ctx, tx, c, pt, KindReminder, []outbox.Address{to}, data,
		map[string]any{"to": to.Address})
}

// escalate queues an escalation to the managers of its level and records it.
func (s *Sweeper) escalate(ctx context.Context, tx *store.Tx, c *store.Case, pt deadline.Point, today deadline.Date, st Staff) (bool, error) {
	if len(st.Managers) == 0 {
		s.o.Logger.Warn("escalation_without_managers", slog.String("case_ref", c.Ref), slog.String("point", pt.Name))
		return false, nil
	}
	data := EscalationData{IntakeName: s.o.IntakeName, Case: s.line(st, c, today), Point: pt.Name, Level: pt.Level,
		WorkingDaysLeft: s.o.Calendar.WorkingDaysBetween(today, c.DecisionDue)}
	managers := st.managersAt(pt.Level)
	var to []string
	for _, m := range managers {
		to = append(to, m.Address)
	}
	return true, s.queue(ctx, tx, c, pt, KindEscalation, managers, data,
		map[string]any{"to": to, "level": pt.Level})
}

// queue enqueues the mail of a point and, when it is new, the event that
// records it: "reminder_sent" or "escalated".
func (s *Sweeper) queue(ctx context.Context, tx *store.Tx, c *store.Case, pt deadline.Point, kind string,
	to []outbox.Address, data any, detail map[string]any) error {
	q, err := s.o.Queue.Enqueue(ctx, tx, outbox.Mail{
		CaseID: c.ID, Kind: kind, DedupeKey: dedupeKey(kind, c.ID, pt), To: to, ReplyTo: s.o.IntakeAddress,
		Auto: outbox.AutoGenerated, Template: kind, Lang: s.o.Language, Data: data,
	})
	if err != nil || !q.Inserted {
		return err
	}
	event := "reminder_sent"
	if kind == KindEscalation {
		event = "escalated"
	}
	detail["point"], detail["date"], detail["decision_due"], detail["message_id"] = pt.Name, pt.Date, c.DecisionDue, q.MessageID
	s.o.Logger.Info(event, slog.String("case_ref", c.Ref), slog.String("point", pt.Name))
	return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: s.o.Now(), Actor: "klachtd", Kind: event,
		Outbox: sql.NullInt64{Int64: q.ID, Valid: true}, Detail: store.Detail(detail)})
}
