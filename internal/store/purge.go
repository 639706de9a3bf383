package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The purge is the one path that may delete from the audit trail
// (migration 0005): its transaction sets klachtd.purge to its own
// transaction id first. UPDATE of an event stays refused even there, so a
// purge does not rewrite events in place: it copies the case's events
// de-identified (time and kind kept; actor reduced to a role, detail,
// mail and outbox links dropped), deletes the originals, and appends one
// "purged" event that says what was removed and by which rule.

// ErrBusy is returned when a case is locked by another transaction; the
// caller leaves it for the next run.
var ErrBusy = errors.New("store: case is busy")

// ErrNotEligible is returned by PurgeCase when a case may not (or no longer)
// be purged: open, on hold, purged already, or closed after the cut-off.
var ErrNotEligible = errors.New("store: case not eligible for purge")

// RetentionCase is what retention decides on: a closed case's dates, policy
// and hold, without its content.
type RetentionCase struct {
	ID                 int64        `db:"id"`
	Ref                string       `db:"ref"`
	Policy             string       `db:"policy"`
	Status             string       `db:"status"`
	ClosedAt           sql.NullTime `db:"closed_at"`
	HoldReason         string       `db:"hold_reason"`
	HoldAt             sql.NullTime `db:"hold_at"`
	PurgedAt           sql.NullTime `db:"purged_at"`
	ComplainantAddress string       `db:"complainant_address"`
	RespondentAddress  string       `db:"respondent_address"`
}

const retentionColumns = `id, ref, policy, status, closed_at, hold_reason, hold_at, purged_at,
	complainant_address, respondent_address`

// ClosedUnpurged lists up to limit closed cases whose personal data is
// still kept, oldest closing first, after the case (closedAt, id) of the
// page before (zero values: from the start), held cases included (the
// caller reports them). A purge pages through them, so that its memory does
// not grow with the years of closed cases kept.
func (s *Store) ClosedUnpurged(ctx context.Context, closedAt time.Time, id int64, limit int) ([]RetentionCase, error) {
	var cs []RetentionCase
	err := s.db.SelectContext(ctx, &cs, `SELECT `+retentionColumns+` FROM cases
		WHERE closed_at IS NOT NULL AND purged_at IS NULL AND (closed_at, id) > ($1, $2)
		ORDER BY closed_at, id LIMIT $3`, closedAt, id, limit)
	if err != nil {
		return nil, fmt.Errorf("store: closed cases: %w", err)
	}
	return cs, nil
}

// RetentionByRef loads the retention facts of one case.
func (s *Store) RetentionByRef(ctx context.Context, ref string) (*RetentionCase, error) {
	var c RetentionCase
	if err := s.db.GetContext(ctx, &c, `SELECT `+retentionColumns+` FROM cases WHERE ref = $1`, Clean(ref)); err != nil {
		return nil, fmt.Errorf("store: case %s: %w", ref, notFound(err))
	}
	return &c, nil
}

// PurgeCounts is what one purge removed.
type PurgeCounts struct {
	Mails     int // incoming mails deleted
	MailBytes int // their raw size
	Outgoing  int // outgoing mails deleted
	Events    int // events replaced by de-identified copies
}

// PurgeCase removes the personal data of one closed case in one
// transaction: its incoming mails (raw bytes, bodies, attachments), its
// outgoing mails, the names, addresses and subject on the case, and the
// personal parts of its events (see the comment at the top of this file).
// What stays is the stub the register counts. It refuses (ErrNotEligible) a
// case that is open, on hold, purged already, or closed at or after
// closedBefore, and returns ErrBusy when the case is locked elsewhere or
// has a mail still queued for delivery. rule
// names why ("retention awb 5y", "erasure request").
func (s *Store) PurgeCase(ctx context.Context, id int64, closedBefore, now time.Time, rule string) (PurgeCounts, error) {
	var pc PurgeCounts
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.lockForPurge(ctx, id)
		if err != nil {
			return err
		}
		if c.PurgedAt.Valid || !c.ClosedAt.Valid || c.HoldReason != "" || !c.ClosedAt.Time.Before(closedBefore) {
			return ErrNotEligible
		}
		queued, err := tx.hasQueuedMail(ctx, id)
		if err != nil {
			return err
		}
		if queued {
			return ErrBusy // a mail still on its way: the next run
		}
		if _, err := tx.ExecContext(ctx, `SELECT set_config('klachtd.purge', pg_current_xact_id()::text, true)`); err != nil {
			return fmt.Errorf("store: purge guard: %w", err)
		}
		if err := tx.purgeEvents(ctx, c, &pc); err != nil {
			return err
		}
		if err := tx.purgeMail(ctx, id, &pc); err != nil {
			return err
		}
		if err := tx.purgeCaseFields(ctx, id, now); err != nil {
			return err
		}
		return tx.AddEvent(ctx, &Event{CaseID: id, At: now, Actor: "klachtd", Kind: "purged", Detail: Detail(map[string]any{
			"rule": rule, "closed_at": c.ClosedAt.Time, "mails_in": pc.Mails, "mail_bytes": pc.MailBytes,
			"mails_out": pc.Outgoing, "events_deidentified": pc.Events,
			"fields": []string{"complainant_name", "complainant_address", "respondent_name", "respondent_address",
				"handler_address", "subject", "event actors and details", "hearing place, report and reason",
				"measure texts and notes"},
		})})
	})
	return pc, err
}

func (tx *Tx) lockForPurge(ctx context.Context, id int64) (*RetentionCase, error) {
	var c RetentionCase
	err := tx.GetContext(ctx, &c, `SELECT `+retentionColumns+` FROM cases WHERE id = $1 FOR UPDATE SKIP LOCKED`, id)
	if errors.Is(err, sql.ErrNoRows) {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM cases WHERE id = $1)`, id); err != nil {
			return nil, fmt.Errorf("store: purge: %w", err)
		}
		if exists {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("store: purge case %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: purge: lock case: %w", err)
	}
	return &c, nil
}

func (tx *Tx) hasQueuedMail(ctx context.Context, caseID int64) (bool, error) {
	var queued bool
	err := tx.GetContext(ctx, &queued, `SELECT EXISTS (SELECT 1 FROM outbox WHERE case_id = $1 AND status = 'queued')`, caseID)
	if err != nil {
		return false, fmt.Errorf("store: purge: queued mail: %w", err)
	}
	return queued, nil
}

// purgeEvents replaces the case's events by de-identified copies.
func (tx *Tx) purgeEvents(ctx context.Context, c *RetentionCase, pc *PurgeCounts) error {
	var last int64
	if err := tx.GetContext(ctx, &last, `SELECT coalesce(max(id), 0) FROM case_events WHERE case_id = $1`, c.ID); err != nil {
		return fmt.Errorf("store: purge: events: %w", err)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO case_events (case_id, at, actor, kind, detail)
		SELECT e.case_id, e.at,
			CASE WHEN e.actor = 'klachtd' THEN 'klachtd'
			     WHEN lower(e.actor) = lower(k.complainant_address) AND k.complainant_address <> '' THEN 'klager'
			     WHEN lower(e.actor) = lower(k.handler_address) AND k.handler_address <> '' THEN 'behandelaar'
			     ELSE 'verwijderd' END,
			e.kind, '{}'
		FROM case_events e JOIN cases k ON k.id = e.case_id
		WHERE e.case_id = $1 AND e.id <= $2 ORDER BY e.id`, c.ID, last)
	if err != nil {
		return fmt.Errorf("store: purge: copy events: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM case_events WHERE case_id = $1 AND id <= $2`, c.ID, last)
	if err != nil {
		return fmt.Errorf("store: purge: delete events: %w", err)
	}
	n, _ := res.RowsAffected()
	pc.Events = int(n)
	return nil
}

// purgeMail deletes the case's incoming and outgoing mails.
func (tx *Tx) purgeMail(ctx context.Context, id int64, pc *PurgeCounts) error {
	err := tx.QueryRowxContext(ctx, `
		WITH d AS (DELETE FROM messages WHERE case_id = $1 RETURNING size)
		SELECT count(*), coalesce(sum(size), 0) FROM d`, id).Scan(&pc.Mails, &pc.MailBytes)
	if err != nil {
		return fmt.Errorf("store: purge: mails: %w", err)
	}
	err = tx.QueryRowxContext(ctx, `
		WITH d AS (DELETE FROM outbox WHERE case_id = $1 RETURNING 1)
		SELECT count(*) FROM d`, id).Scan(&pc.Outgoing)
	if err != nil {
		return fmt.Errorf("store: purge: outgoing mails: %w", err)
	}
	return nil
}

func (tx *Tx) purgeCaseFields(ctx context.Context, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE cases SET complainant_name = '', complainant_address = '', respondent_name = '',
			respondent_address = '', handler_address = '', subject = '', purged_at = $2, updated_at = $2
		WHERE id = $1`, id, now)
	if err != nil {
		return fmt.Errorf("store: purge: case fields: %w", err)
	}
	// The procedure's free text goes; that a hearing was held, reported or
	// waived, and each measure's result, stay for the register.
	_, err = tx.ExecContext(ctx, `
		UPDATE case_procedure SET hearing_place = '',
			hearing_report = CASE WHEN hearing_report IS NULL THEN NULL ELSE '' END,
			hearing_waived = CASE WHEN hearing_waived IS NULL THEN NULL ELSE '' END, updated_at = $2
		WHERE case_id = $1`, id, now)
	if err != nil {
		return fmt.Errorf("store: purge: procedure: %w", err)
	}
	// Of the structured fields, the channel and the department stay.
	if _, err := tx.ExecContext(ctx, `UPDATE case_channels SET desired_outcome = '', incident_date = '', phone = '',
		postal_address = '', registrar = '' WHERE case_id = $1`, id); err != nil {
		return fmt.Errorf("store: purge: structured fields: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE measures SET text = '', result_note = '' WHERE case_id = $1`, id); err != nil {
		return fmt.Errorf("store: purge: measures: %w", err)
	}
	return nil
}

// PurgeCaseless deletes, in batches of at most limit rows per transaction,
// the incoming mails without a case (machine mail, quarantine) delivered
// before before, and the outgoing mails without a case created before it
// (notices to handlers) that are no longer queued. Rows an event still
// refers to are kept. It returns how many rows went; dryRun only counts.
func (s *Store) PurgeCaseless(ctx context.Context, before time.Time, limit int, dryRun bool) (in, out int, err error) {
	if dryRun {
		err = s.db.QueryRowxContext(ctx, `SELECT
			(SELECT count(*) FROM messages m WHERE `+caselessMail+`),
			(SELECT count(*) FROM outbox o WHERE `+caselessOutbox+`)`, before).Scan(&in, &out)
		if err != nil {
			return 0, 0, fmt.Errorf("store: case-less mails: %w", err)
		}
		return in, out, nil
	}
	if in, err = s.deleteBatches(ctx, `DELETE FROM messages WHERE id IN (
		SELECT id FROM messages m WHERE `+caselessMail+` ORDER BY id LIMIT $2)`, before, limit); err != nil {
		return in, 0, err
	}
	out, err = s.deleteBatches(ctx, `DELETE FROM outbox WHERE id IN (
		SELECT id FROM outbox o WHERE `+caselessOutbox+` ORDER BY id LIMIT $2)`, before, limit)
	return in, out, err
}

// deleteBatches runs a DELETE of at most limit rows ($2) until it deletes
// fewer, each batch its own transaction, and returns the rows deleted.
func (s *Store) deleteBatches(ctx context.Context, q string, before time.Time, limit int) (int, error) {
	total := 0
	for {
		res, err := s.db.ExecContext(ctx, q, before, limit)
		if err != nil {
			return total, fmt.Errorf("store: purge case-less mails: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
		if int(n) < limit {
			return total, nil
		}
	}
}

const caselessMail = `m.case_id IS NULL AND m.internal_date < $1
	AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.message = m.id)`

const caselessOutbox = `o.case_id IS NULL AND o.created_at < $1 AND o.status <> 'queued'
	AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.outbox = o.id)`
