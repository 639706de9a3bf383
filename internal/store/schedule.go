package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/klachtd/klachtd/internal/deadline"

	"github.com/lib/pq"
)

// awaitingDecision is the scheduler's "still waiting for a decision": not
// closed, and not answered (a handler's answer reached the complainant).
// Reminders and escalations are only for such cases.
const awaitingDecision = `status NOT IN ('beantwoord', 'gesloten')`

// SweepCursor is where a sweep's keyset walk over cases_sweep stands: the
// sweep_at and id of the last case read.
type SweepCursor struct {
	At string // a date, or "-infinity"
	ID int64
}

// SweepStart is the cursor before the first case.
var SweepStart = SweepCursor{At: "-infinity"}

// sweepColumns are the fields of a case that its points depend on.
const sweepColumns = `id, ref, status, policy, received_at, decision_due, extensions`

// sweepRow is a case with its sweep date.
type sweepRow struct {
	Case
	SweepAt string `db:"sweep_date"`
}

// CasesToSweep lists, after cur and at most limit, the cases that await a
// decision and whose sweep date (sweep_at, migration 0018) is on or before
// today, in the order of the index cases_sweep; and the cursor after them.
// A sweep with nothing to do reads no row. Only the fields the points are
// computed from are read (sweepColumns); a sweep that sends something
// loads the whole case under its lock (ClaimCaseAwaitingDecision).
func (s *Store) CasesToSweep(ctx context.Context, today deadline.Date, cur SweepCursor, limit int) ([]Case, SweepCursor, error) {
	rows := make([]sweepRow, 0, limit) // sqlx appends: no growing page by page
	err := s.db.SelectContext(ctx, &rows, `SELECT `+sweepColumns+`, sweep_at::text AS sweep_date FROM cases
		WHERE `+awaitingDecision+` AND sweep_at <= $1 AND (sweep_at, id) > ($2::date, $3)
		ORDER BY sweep_at, id LIMIT $4`, today, cur.At, cur.ID, limit)
	if err != nil {
		return nil, cur, fmt.Errorf("store: cases to sweep: %w", err)
	}
	cs := make([]Case, len(rows))
	for i, r := range rows {
		cs[i] = r.Case
		cur = SweepCursor{At: r.SweepAt, ID: r.ID}
	}
	return cs, cur, nil
}

// SweepNext is the next sweep date of a case, as computed from the state
// the sweep read (Status, DecisionDue, Extensions, Policy).
type SweepNext struct {
	Case *Case
	Next string // a date, or "infinity" when no point is ahead
}

// SetSweepDates writes the next sweep date of each case whose status, due
// date, extensions and policy are still those the sweep read; a case that
// changed since keeps the '-infinity' its change set (the trigger of
// migration 0018), so it is looked at again. Rows locked by another
// transaction (another instance dating the same case, a change in
// progress) are skipped, so two sweeps never wait on each other: a
// skipped case is only looked at again.
func (s *Store) SetSweepDates(ctx context.Context, ns []SweepNext) error {
	if len(ns) == 0 {
		return nil
	}
	ids, exts := make(pq.Int64Array, len(ns)), make(pq.Int64Array, len(ns))
	nexts, statuses, dues, policies := make(pq.StringArray, len(ns)), make(pq.StringArray, len(ns)), make(pq.StringArray, len(ns)), make(pq.StringArray, len(ns))
	for i, n := range ns {
		ids[i], exts[i], nexts[i] = n.Case.ID, int64(n.Case.Extensions), n.Next
		statuses[i], dues[i], policies[i] = n.Case.Status, n.Case.DecisionDue.String(), n.Case.Policy
	}
	_, err := s.db.ExecContext(ctx, `
		WITH v AS (
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
				AS v(id, next, status, due, ext, policy)
		), locked AS (
			SELECT id FROM cases WHERE id = ANY($1) ORDER BY id FOR UPDATE SKIP LOCKED
		)
		UPDATE cases c SET sweep_at = v.next::date FROM v
		WHERE c.id = v.id AND c.id IN (SELECT id FROM locked) AND c.status = v.status
			AND c.decision_due = v.due::date AND c.extensions = v.ext AND c.policy = v.policy`,
		ids, nexts, statuses, dues, exts, policies)
	if err != nil {
		return fmt.Errorf("store: set sweep dates: %w", err)
	}
	return nil
}

// SyncScheduleRules records fingerprint as the rules the sweep dates are
// computed under. When it differs from the recorded one, every open case's
// sweep date is set back to '-infinity' in the same transaction, so the
// next sweep computes them all again under the new rules; reset says so.
func (s *Store) SyncScheduleRules(ctx context.Context, fingerprint string) (reset bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var old string
		err := tx.GetContext(ctx, &old, `SELECT fingerprint FROM schedule_rules FOR UPDATE`)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if old == fingerprint {
			return nil
		}
		reset = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO schedule_rules (fingerprint) VALUES ($1)
			ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint`, fingerprint); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE cases SET sweep_at = '-infinity'
			WHERE `+awaitingDecision+` AND sweep_at <> '-infinity'`)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: schedule rules: %w", err)
	}
	return reset, nil
}

// ClaimCaseAwaitingDecision locks a case that still awaits a decision for
// the rest of the transaction. It answers ErrNotFound when the case is
// answered, closed, or locked by another transaction (SKIP LOCKED): another
// instance is working on it, or its state is changing, and the next sweep
// looks again.
func (tx *Tx) ClaimCaseAwaitingDecision(ctx context.Context, id int64) (*Case, error) {
	var c Case
	err := tx.GetContext(ctx, &c, `SELECT `+caseColumns+` FROM cases WHERE id = $1 AND `+awaitingDecision+`
		FOR UPDATE SKIP LOCKED`, id)
	if err != nil {
		return nil, fmt.Errorf("store: claim case %d: %w", id, notFound(err))
	}
	return &c, nil
}

// ExistingDedupeKeys answers which of keys are already used in the outbox,
// so that a sweep renders only the mails that are still to be sent.
func (s *Store) ExistingDedupeKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(keys) == 0 {
		return found, nil
	}
	var used []string
	err := s.db.SelectContext(ctx, &used, `SELECT dedupe_key FROM outbox WHERE dedupe_key = ANY($1)`, pq.StringArray(keys))
	if err != nil {
		return nil, fmt.Errorf("store: existing dedupe keys: %w", err)
	}
	for _, k := range used {
		found[k] = true
	}
	return found, nil
}

// OutboxAfter lists outgoing mails with an id above after and one of kinds,
// in order, without raw bytes: what a sweep queued, for the demo's timeline.
func (s *Store) OutboxAfter(ctx context.Context, after int64, kinds []string) ([]OutboxMail, error) {
	var ms []OutboxMail
	err := s.db.SelectContext(ctx, &ms, `
		SELECT id, case_id, kind, dedupe_key, message_id, mail_from, rcpt, subject, ''::bytea AS raw,
			automatic, status, attempts, last_error, created_at, sent_at
		FROM outbox WHERE id > $1 AND kind = ANY($2) ORDER BY id`, after, pq.StringArray(kinds))
	if err != nil {
		return nil, fmt.Errorf("store: outbox after %d: %w", after, err)
	}
	return ms, nil
}
