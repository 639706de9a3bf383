package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// Procedure is a case's procedural facts besides its row (table
// case_procedure): the advisory committee, the hearing, its report or the
// reason it was skipped. The zero value is "nothing recorded".
type Procedure struct {
	CaseID        int64          `db:"case_id"`
	Committee     sql.NullString `db:"committee"`
	HearingAt     sql.NullTime   `db:"hearing_at"`
	HearingPlace  string         `db:"hearing_place"`
	HearingReport sql.NullString `db:"hearing_report"`
	HearingWaived sql.NullString `db:"hearing_waived"`
	UpdatedAt     time.Time      `db:"updated_at"`
}

const procedureColumns = `case_id, committee, hearing_at, hearing_place, hearing_report, hearing_waived, updated_at`

// ProcedureOf reads a case's procedure; a case without one gets the zero
// value with CaseID set.
func (tx *Tx) ProcedureOf(ctx context.Context, caseID int64) (Procedure, error) {
	var p Procedure
	err := tx.GetContext(ctx, &p, `SELECT `+procedureColumns+` FROM case_procedure WHERE case_id = $1`, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return Procedure{CaseID: caseID}, nil
	}
	if err != nil {
		return p, fmt.Errorf("store: procedure of case %d: %w", caseID, err)
	}
	return p, nil
}

// SaveProcedure writes a case's procedure whole.
func (tx *Tx) SaveProcedure(ctx context.Context, p *Procedure) error {
	p.HearingPlace = Clean(p.HearingPlace)
	p.HearingReport.String, p.HearingWaived.String, p.Committee.String = Clean(p.HearingReport.String), Clean(p.HearingWaived.String), Clean(p.Committee.String)
	_, err := tx.ExecContext(ctx, `
		INSERT INTO case_procedure (`+procedureColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (case_id) DO UPDATE SET committee = $2, hearing_at = $3, hearing_place = $4,
			hearing_report = $5, hearing_waived = $6, updated_at = $7`,
		p.CaseID, p.Committee, p.HearingAt, p.HearingPlace, p.HearingReport, p.HearingWaived, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: save procedure of case %d: %w", p.CaseID, err)
	}
	return nil
}

// Measure is one improvement measure on a case (ISO 9001 10.2).
type Measure struct {
	ID         int64          `db:"id"`
	CaseID     int64          `db:"case_id"`
	N          int            `db:"n"`
	Text       string         `db:"text"`
	Due        *deadline.Date `db:"due"`
	CreatedAt  time.Time      `db:"created_at"`
	Result     sql.NullString `db:"result"`
	ResultNote string         `db:"result_note"`
	ResultAt   sql.NullTime   `db:"result_at"`
}

const measureColumns = `id, case_id, n, text, due, created_at, result, result_note, result_at`

// MeasuresOf lists a case's measures in order.
func (tx *Tx) MeasuresOf(ctx context.Context, caseID int64) ([]Measure, error) {
	var ms []Measure
	if err := tx.SelectContext(ctx, &ms, `SELECT `+measureColumns+` FROM measures WHERE case_id = $1 ORDER BY n`, caseID); err != nil {
		return nil, fmt.Errorf("store: measures of case %d: %w", caseID, err)
	}
	return ms, nil
}

// AddMeasure stores a new measure with the next number on its case and sets
// m.ID and m.N.
func (tx *Tx) AddMeasure(ctx context.Context, m *Measure) error {
	m.Text = Clean(m.Text)
	err := tx.QueryRowxContext(ctx, `
		INSERT INTO measures (case_id, n, text, due, created_at)
		VALUES ($1, (SELECT coalesce(max(n), 0) + 1 FROM measures WHERE case_id = $1), $2, $3, $4)
		RETURNING id, n`, m.CaseID, m.Text, m.Due, m.CreatedAt).Scan(&m.ID, &m.N)
	if err != nil {
		return fmt.Errorf("store: add measure: %w", err)
	}
	return nil
}

// RecordMeasureResult records whether measure n of a case worked.
func (tx *Tx) RecordMeasureResult(ctx context.Context, caseID int64, n int, result, note string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE measures SET result = $3, result_note = $4, result_at = $5 WHERE case_id = $1 AND n = $2`,
		caseID, n, result, Clean(note), at)
	if err != nil {
		return fmt.Errorf("store: measure result: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return fmt.Errorf("store: measure %d of case %d: %w", n, caseID, ErrNotFound)
	}
	return nil
}

// HearingDue is a planned hearing of a case that is not closed, for the
// scheduler's reminder the day before.
type HearingDue struct {
	CaseID         int64     `db:"case_id"`
	Ref            string    `db:"ref"`
	Subject        string    `db:"subject"`
	HandlerAddress string    `db:"handler_address"`
	At             time.Time `db:"hearing_at"`
	Place          string    `db:"hearing_place"`
}

// HearingsBetween lists the hearings planned from from (inclusive) to to
// (exclusive) on cases that are not closed.
func (s *Store) HearingsBetween(ctx context.Context, from, to time.Time) ([]HearingDue, error) {
	var hs []HearingDue
	err := s.db.SelectContext(ctx, &hs, `
		SELECT p.case_id, c.ref, c.subject, c.handler_address, p.hearing_at, p.hearing_place
		FROM case_procedure p JOIN cases c ON c.id = p.case_id
		WHERE p.hearing_at >= $1 AND p.hearing_at < $2 AND c.status <> 'gesloten'
		ORDER BY p.hearing_at, p.case_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: hearings: %w", err)
	}
	return hs, nil
}

// MeasureOnCase is a measure with its case's reference and handler, for the
// scheduler's reminder and the digest.
type MeasureOnCase struct {
	Measure
	Ref            string `db:"ref"`
	Subject        string `db:"subject"`
	HandlerAddress string `db:"handler_address"`
}

// MeasuresToCheck lists the open measures whose date is on or before today
// and after since: the ones whose effectiveness the handler is to judge
// now (a measure overdue before since was reminded already, or is older
// than the catch-up window).
func (s *Store) MeasuresToCheck(ctx context.Context, since, today deadline.Date) ([]MeasureOnCase, error) {
	return s.measuresWhere(ctx, `m.result IS NULL AND m.due > $1 AND m.due <= $2`, since, today)
}

// MeasuresForDigest lists the open measures and those whose result was
// recorded at or after since.
func (s *Store) MeasuresForDigest(ctx context.Context, since time.Time) ([]MeasureOnCase, error) {
	return s.measuresWhere(ctx, `m.result IS NULL OR m.result_at >= $1`, since)
}

func (s *Store) measuresWhere(ctx context.Context, where string, args ...any) ([]MeasureOnCase, error) {
	var ms []MeasureOnCase
	err := s.db.SelectContext(ctx, &ms, `
		SELECT m.id, m.case_id, m.n, m.text, m.due, m.created_at, m.result, m.result_note, m.result_at,
			c.ref, c.subject, c.handler_address
		FROM measures m JOIN cases c ON c.id = m.case_id
		WHERE `+where+` ORDER BY m.due NULLS LAST, c.ref, m.n`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: measures: %w", err)
	}
	return ms, nil
}

// ClosedBetween lists the cases closed from from (inclusive) to to
// (exclusive) that have a complainant address, for the follow-up question.
func (s *Store) ClosedBetween(ctx context.Context, from, to time.Time) ([]Case, error) {
	var cs []Case
	err := s.db.SelectContext(ctx, &cs, `SELECT `+caseColumns+` FROM cases
		WHERE status = 'gesloten' AND closed_at >= $1 AND closed_at < $2 AND complainant_address <> ''
		ORDER BY closed_at, id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: closed cases: %w", err)
	}
	return cs, nil
}

// SentKindOnCase reports whether a mail of kind was queued on a case.
func (tx *Tx) SentKindOnCase(ctx context.Context, caseID int64, kind string) (bool, error) {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM outbox WHERE case_id = $1 AND kind = $2)`, caseID, kind); err != nil {
		return false, fmt.Errorf("store: sent %s on case %d: %w", kind, caseID, err)
	}
	return ok, nil
}
