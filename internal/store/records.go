package store

import (
	"context"
	"fmt"
	"time"
)

// SetHold puts a legal hold on a case (reason non-empty) or releases it
// (reason ""), with an event "hold" or "hold_released" by actor. A held
// case is never purged. Setting the same hold again changes nothing and
// records nothing; releasing a case without a hold too.
func (s *Store) SetHold(ctx context.Context, ref, reason, actor string, now time.Time) (changed bool, err error) {
	reason, actor = Clean(reason), Clean(actor)
	err = s.InTx(ctx, func(tx *Tx) error {
		var c RetentionCase
		if err := tx.GetContext(ctx, &c, `SELECT `+retentionColumns+` FROM cases WHERE ref = $1 FOR UPDATE`, Clean(ref)); err != nil {
			return fmt.Errorf("store: case %s: %w", ref, notFound(err))
		}
		if c.HoldReason == reason {
			return nil
		}
		changed = true
		return tx.setHold(ctx, c, reason, actor, now)
	})
	return changed, err
}

func (tx *Tx) setHold(ctx context.Context, c RetentionCase, reason, actor string, now time.Time) error {
	if err := tx.HoldCase(ctx, c.ID, reason, now); err != nil {
		return err
	}
	e := &Event{CaseID: c.ID, At: now, Actor: actor, Kind: "hold", Detail: Detail(map[string]string{"reason": reason})}
	if reason == "" {
		e.Kind, e.Detail = "hold_released", Detail(map[string]string{"previous_reason": c.HoldReason})
	}
	return tx.AddEvent(ctx, e)
}

// CasesConcerning lists the cases in which addr (compared in lower case) is
// the complainant or the respondent, or from which it sent a mail that was
// not a handler's; in order of receipt.
func (s *Store) CasesConcerning(ctx context.Context, addr string) ([]Case, error) {
	var cs []Case
	err := s.db.SelectContext(ctx, &cs, `SELECT `+caseColumns+` FROM cases k
		WHERE lower(k.complainant_address) = lower($1) OR lower(k.respondent_address) = lower($1)
			OR EXISTS (SELECT 1 FROM messages m WHERE m.case_id = k.id AND m.from_address = lower($1)
				AND m.kind <> 'handler_reply')
		ORDER BY k.received_at, k.id`, Clean(addr))
	if err != nil {
		return nil, fmt.Errorf("store: cases concerning: %w", err)
	}
	return cs, nil
}

// CaselessMailsFrom lists the stored mails without a case that addr sent,
// without raw bytes.
func (s *Store) CaselessMailsFrom(ctx context.Context, addr string) ([]Message, error) {
	var ms []Message
	err := s.db.SelectContext(ctx, &ms, `SELECT `+messageColumns+` FROM messages
		WHERE case_id IS NULL AND from_address = lower($1) ORDER BY internal_date, id`, Clean(addr))
	if err != nil {
		return nil, fmt.Errorf("store: case-less mails from: %w", err)
	}
	return ms, nil
}

// DeleteCaselessMailsFrom erases the case-less mails addr sent that no
// event refers to (an erasure request: no law requires keeping them).
func (s *Store) DeleteCaselessMailsFrom(ctx context.Context, addr string) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM messages m WHERE m.case_id IS NULL AND m.from_address = lower($1)
		AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.message = m.id)`, Clean(addr))
	if err != nil {
		return 0, fmt.Errorf("store: erase case-less mails: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// MessageRaw returns the raw bytes of one stored incoming mail.
func (s *Store) MessageRaw(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	if err := s.db.GetContext(ctx, &raw, `SELECT raw FROM messages WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("store: message %d: %w", id, notFound(err))
	}
	return raw, nil
}

// RecordRow is a register row with the case's measures (ISO 9001 10.2):
// how many were taken and how many were found effective.
type RecordRow struct {
	RegisterRow
	Measures  int `db:"measures"`
	Effective int `db:"measures_effective"`
}

// RegisterBetween lists the complaints received in [from, to), in order:
// the register of any period (a year, a quarter), with their measures.
func (s *Store) RegisterBetween(ctx context.Context, from, to time.Time) ([]RecordRow, error) {
	var rows []RecordRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT k.ref, k.received_at, k.category, k.policy, k.status, k.outcome, k.decision_due, k.closed_at,
			k.extensions, k.consented_delays,
			COALESCE((SELECT ch.channel FROM case_channels ch WHERE ch.case_id = k.id), 'email') AS channel,
			(SELECT count(*) FROM measures m WHERE m.case_id = k.id) AS measures,
			(SELECT count(*) FROM measures m WHERE m.case_id = k.id AND m.result = 'ja') AS measures_effective
		FROM cases k WHERE k.received_at >= $1 AND k.received_at < $2 ORDER BY k.received_at, k.id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: register: %w", err)
	}
	return rows, nil
}

// HoldCase puts a legal hold with reason on a case inside tx (reason ""
// releases it), without an event (the caller records one): the path of the
// mail command #bewaren, and of SetHold.
func (tx *Tx) HoldCase(ctx context.Context, caseID int64, reason string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET hold_reason = $2,
		hold_at = CASE WHEN $2 = '' THEN NULL ELSE $3::timestamptz END, updated_at = $3 WHERE id = $1`,
		caseID, Clean(reason), now); err != nil {
		return fmt.Errorf("store: hold: %w", err)
	}
	return nil
}

// SenderOf is the From address of a stored incoming mail, in lower case.
func (tx *Tx) SenderOf(ctx context.Context, messageRow int64) (string, error) {
	var from string
	if err := tx.GetContext(ctx, &from, `SELECT from_address FROM messages WHERE id = $1`, messageRow); err != nil {
		return "", fmt.Errorf("store: sender of message %d: %w", messageRow, notFound(err))
	}
	return from, nil
}
