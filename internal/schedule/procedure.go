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

// The timed work of the procedure (issue 13), besides the decision term's
// reminders and escalations:
//
//   - the day before a hearing (from 00:00 that day until the hearing
//     starts), its case's handler is reminded (hearing_reminder);
//   - on a measure's date the handler is asked to record whether it worked
//     (measure_check, "#effectief"); a daemon that was down catches up on
//     measures due in the last catchUpDays days;
//   - with [policy] followup_days = N, N days after closing the
//     complainant is asked whether the answer helped (followup), caught up
//     within catchUpDays as well.
//
// Each is sent once: its outbox row has a dedupe key
// (hearing_reminder:<case>:<unix time>, measure_check:<measure>:<date>,
// followup:<case>:<closing date>) and it records an event on its case in
// the same transaction.
const (
	KindHearingReminder = "hearing_reminder"
	KindMeasureCheck    = "measure_check"
	KindFollowup        = "followup"
)

// catchUpDays bounds how far back a sweep looks for a missed measure
// reminder or follow-up question.
const catchUpDays = 7

// HearingReminderData is what the hearing_reminder template gets.
type HearingReminderData struct {
	IntakeName, HandlerName, Ref, Subject string
	At                                    time.Time
	Place                                 string
}

// MeasureCheckData is what the measure_check template gets.
type MeasureCheckData struct {
	IntakeName, HandlerName, Ref, Subject string
	N                                     int
	Text                                  string
	Due                                   deadline.Date
}

// FollowupData is what the followup template gets.
type FollowupData struct {
	IntakeName string
	Case       *store.Case
	Subject    string
}

func (s *Sweeper) sweepProcedure(ctx context.Context, now time.Time, st Staff) error {
	return errors.Join(s.sweepHearings(ctx, now, st), s.sweepMeasures(ctx, now, st), s.sweepFollowups(ctx, now))
}

func (s *Sweeper) sweepHearings(ctx context.Context, now time.Time, st Staff) error {
	today := deadline.DateOf(now)
	hs, err := s.o.Store.HearingsBetween(ctx, now, today.AddDays(2).Start())
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	var errs []error
	for _, h := range hs {
		if deadline.DateOf(h.At).AddDays(-1).After(today) {
			continue // more than a day ahead
		}
		to := st.handlerOrDefault(h.HandlerAddress)
		data := HearingReminderData{IntakeName: s.o.IntakeName, HandlerName: to.Name, Ref: h.Ref, Subject: h.Subject, At: h.At, Place: h.Place}
		key := fmt.Sprintf("%s:%d:%d", KindHearingReminder, h.CaseID, h.At.Unix())
		errs = append(errs, s.sendOnce(ctx, h.CaseID, KindHearingReminder, key, to, "", data, map[string]any{"hearing_at": h.At}))
	}
	return errors.Join(errs...)
}

func (s *Sweeper) sweepMeasures(ctx context.Context, now time.Time, st Staff) error {
	today := deadline.DateOf(now)
	ms, err := s.o.Store.MeasuresToCheck(ctx, today.AddDays(-catchUpDays), today)
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	var errs []error
	for _, m := range ms {
		to := st.handlerOrDefault(m.HandlerAddress)
		data := MeasureCheckData{IntakeName: s.o.IntakeName, HandlerName: to.Name, Ref: m.Ref, Subject: m.Subject, N: m.N, Text: m.Text, Due: *m.Due}
		key := fmt.Sprintf("%s:%d:%s", KindMeasureCheck, m.ID, m.Due)
		errs = append(errs, s.sendOnce(ctx, m.CaseID, KindMeasureCheck, key, to, "", data, map[string]any{"measure": m.N, "due": m.Due}))
	}
	return errors.Join(errs...)
}

func (s *Sweeper) sweepFollowups(ctx context.Context, now time.Time) error {
	n := s.o.Policy.Procedure.FollowupDays
	if n <= 0 {
		return nil
	}
	today := deadline.DateOf(now)
	cs, err := s.o.Store.ClosedBetween(ctx, today.AddDays(-n-catchUpDays).Start(), today.AddDays(-n+1).Start())
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	var errs []error
	for i := range cs {
		c := &cs[i]
		key := fmt.Sprintf("%s:%d:%s", KindFollowup, c.ID, deadline.DateOf(c.ClosedAt.Time))
		to := outbox.Address{Name: c.ComplainantName, Address: c.ComplainantAddress}
		errs = append(errs, s.sendOnce(ctx, c.ID, KindFollowup, key, to, c.Language, FollowupData{IntakeName: s.o.IntakeName, Case: c, Subject: c.Subject},
			map[string]any{"closed_at": c.ClosedAt.Time}))
	}
	return errors.Join(errs...)
}

// sendOnce queues one mail of kind under key and, when it is new, records
// an event of the same name on its case. lang "" is the staff language.
func (s *Sweeper) sendOnce(ctx context.Context, caseID int64, kind, key string, to outbox.Address, lang string, data any, detail map[string]any) error {
	if to.Address == "" {
		s.o.Logger.Warn("procedure_mail_without_recipient", slog.String("kind", kind), slog.Int64("case", caseID))
		return nil
	}
	if lang == "" {
		lang = s.o.Language
	}
	err := s.o.Store.InTx(ctx, func(tx *store.Tx) error {
		m := outbox.Mail{CaseID: caseID, Kind: kind, DedupeKey: key, To: []outbox.Address{to}, ReplyTo: s.o.IntakeAddress,
			Auto: outbox.AutoGenerated, Template: kind, Lang: lang, Data: data}
		if kind == KindFollowup {
			if last, err := tx.LastMailFrom(ctx, caseID, to.Address); err == nil {
				m.InReplyTo, m.References = last.MessageID.String, last.Refs
			}
		}
		q, err := s.o.Queue.Enqueue(ctx, tx, m)
		if err != nil || !q.Inserted {
			return err
		}
		detail["to"], detail["message_id"] = to.Address, q.MessageID
		s.o.Logger.Info(kind+"_queued", slog.Int64("case", caseID))
		return tx.AddEvent(ctx, &store.Event{CaseID: caseID, At: s.o.Now(), Actor: "klachtd", Kind: kind + "_sent",
			Outbox: sql.NullInt64{Int64: q.ID, Valid: true}, Detail: store.Detail(detail)})
	})
	if err != nil {
		s.o.Logger.Error("procedure_mail_failed", slog.String("kind", kind), slog.Int64("case", caseID), slog.Any("error", err))
	}
	return err
}

// handlerOrDefault is the handler of a case by address (with its configured
// name), else the default handler; a name that is only the address is left
// out. Its Address is "" when there is neither.
func (st Staff) handlerOrDefault(addr string) outbox.Address {
	to := st.DefaultHandler
	if addr != "" {
		to = outbox.Address{Address: addr, Name: st.handlerName(addr)}
	}
	if to.Name == to.Address {
		to.Name = ""
	}
	return to
}
