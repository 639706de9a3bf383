package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// Case statuses (the life cycle is internal/cases' job; the schema checks the values).
const (
	StatusReceived   = "ontvangen"
	StatusInProgress = "in_behandeling"
	StatusAnswered   = "beantwoord"
	StatusWaiting    = "wacht_op_klager"
	StatusClosed     = "gesloten"
)

// Case is one complaint.
type Case struct {
	ID                 int64          `db:"id"`
	Ref                string         `db:"ref"`
	Status             string         `db:"status"`
	Outcome            sql.NullString `db:"outcome"`
	Category           string         `db:"category"`
	HandlerAddress     string         `db:"handler_address"`
	ComplainantName    string         `db:"complainant_name"`
	ComplainantAddress string         `db:"complainant_address"`
	Subject            string         `db:"subject"`
	Language           string         `db:"language"`
	ReceivedAt         time.Time      `db:"received_at"`
	Policy             string         `db:"policy"`
	AckDue             deadline.Date  `db:"ack_due"`
	DecisionDue        deadline.Date  `db:"decision_due"`
	Extensions         int            `db:"extensions"`
	NeedsReview        bool           `db:"needs_review"`
	AckBounced         bool           `db:"ack_bounced"`
	CreatedAt          time.Time      `db:"created_at"`
	UpdatedAt          time.Time      `db:"updated_at"`
	ClosedAt           sql.NullTime   `db:"closed_at"`
	PausedAt           sql.NullTime   `db:"paused_at"`
	ConsentedDelays    int            `db:"consented_delays"`
	RespondentName     string         `db:"respondent_name"`
	RespondentAddress  string         `db:"respondent_address"`
}

const caseColumns = `id, ref, status, outcome, category, handler_address, complainant_name,
	complainant_address, subject, language, received_at, policy, ack_due, decision_due,
	extensions, needs_review, ack_bounced, created_at, updated_at, closed_at, paused_at, consented_delays,
	respondent_name, respondent_address`

// NextRef takes the next reference of year from the per-year counter,
// prefix-YYYY-NNNNNN. The counter row is locked until the transaction ends, so
// references are gap-free in committed cases and never handed out twice.
func (tx *Tx) NextRef(ctx context.Context, prefix string, year int) (string, error) {
	var n int
	err := tx.GetContext(ctx, &n, `
		INSERT INTO case_counters (year, last_number) VALUES ($1, 1)
		ON CONFLICT (year) DO UPDATE SET last_number = case_counters.last_number + 1
		RETURNING last_number`, year)
	if err != nil {
		return "", fmt.Errorf("store: next reference: %w", err)
	}
	return fmt.Sprintf("%s-%04d-%06d", prefix, year, n), nil
}

// InsertCase stores a new case and sets c.ID.
func (tx *Tx) InsertCase(ctx context.Context, c *Case) error {
	c.cleanText()
	err := tx.QueryRowxContext(ctx, `
		INSERT INTO cases (ref, status, category, handler_address, complainant_name, complainant_address,
			subject, language, received_at, policy, ack_due, decision_due, needs_review, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
		RETURNING id`,
		c.Ref, c.Status, c.Category, c.HandlerAddress, c.ComplainantName, c.ComplainantAddress,
		c.Subject, c.Language, c.ReceivedAt, c.Policy, c.AckDue, c.DecisionDue, c.NeedsReview, c.CreatedAt,
	).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("store: insert case: %w", err)
	}
	return nil
}

// CaseByID loads a case and locks it for the rest of the transaction.
func (tx *Tx) CaseByID(ctx context.Context, id int64) (*Case, error) {
	var c Case
	if err := tx.GetContext(ctx, &c, `SELECT `+caseColumns+` FROM cases WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, fmt.Errorf("store: case %d: %w", id, notFound(err))
	}
	return &c, nil
}

// CaseIDByRef finds a case by its reference.
func (tx *Tx) CaseIDByRef(ctx context.Context, ref string) (int64, error) {
	var id int64
	if err := tx.GetContext(ctx, &id, `SELECT id FROM cases WHERE ref = $1`, Clean(ref)); err != nil {
		return 0, fmt.Errorf("store: case %s: %w", ref, notFound(err))
	}
	return id, nil
}

// CaseByRef loads a case by its reference, outside any transaction.
func (s *Store) CaseByRef(ctx context.Context, ref string) (*Case, error) {
	var c Case
	if err := s.db.GetContext(ctx, &c, `SELECT `+caseColumns+` FROM cases WHERE ref = $1`, ref); err != nil {
		return nil, fmt.Errorf("store: case %s: %w", ref, notFound(err))
	}
	return &c, nil
}

// FlagAckBounced marks that the acknowledgement of a case bounced: the
// complainant's address is bad and a handler must reach them another way.
func (tx *Tx) FlagAckBounced(ctx context.Context, caseID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE cases SET ack_bounced = true, needs_review = true, updated_at = $2 WHERE id = $1`, caseID, now)
	if err != nil {
		return fmt.Errorf("store: flag bounce: %w", err)
	}
	return nil
}

// UpdateCase writes the mutable fields of c: status, outcome, category,
// handler, complainant address, due date, extensions, pause, review flag.
func (tx *Tx) UpdateCase(ctx context.Context, c *Case) error {
	c.cleanText()
	_, err := tx.ExecContext(ctx, `
		UPDATE cases SET status = $2, outcome = $3, category = $4, handler_address = $5,
			complainant_address = $6, decision_due = $7, extensions = $8, needs_review = $9,
			closed_at = $10, paused_at = $11, consented_delays = $12, updated_at = $13,
			respondent_name = $14, respondent_address = $15
		WHERE id = $1`,
		c.ID, c.Status, c.Outcome, c.Category, c.HandlerAddress, c.ComplainantAddress, c.DecisionDue,
		c.Extensions, c.NeedsReview, c.ClosedAt, c.PausedAt, c.ConsentedDelays, c.UpdatedAt,
		c.RespondentName, c.RespondentAddress)
	if err != nil {
		return fmt.Errorf("store: update case: %w", err)
	}
	return nil
}

// CaseFilter selects cases for listing.
type CaseFilter struct {
	Status  string        // "" = any
	Overdue deadline.Date // non-zero: open cases due before this day
	Review  bool          // only cases marked for review
	// After is the cursor of the last case of the previous page; the zero
	// value starts at the most urgent case.
	After CaseCursor
	// Limit is the page size; 0 lists every case (for small databases and
	// tests: a caller that may face many pages through with After).
	Limit int
}

// CaseCursor is a case's place in the list order: open cases before
// closed ones, then by due date, then by id (keyset pagination).
type CaseCursor struct {
	Closed bool          `db:"closed"`
	Due    deadline.Date `db:"decision_due"`
	ID     int64         `db:"id"`
}

// CursorOf is c's place in the list order.
func CursorOf(c Case) CaseCursor {
	return CaseCursor{Closed: c.Status == StatusClosed, Due: c.DecisionDue, ID: c.ID}
}

// CaseCursorByRef is the place in the list order of the case ref, to list
// the page after it.
func (s *Store) CaseCursorByRef(ctx context.Context, ref string) (CaseCursor, error) {
	var c CaseCursor
	err := s.db.GetContext(ctx, &c, `SELECT status = 'gesloten' AS closed, decision_due, id FROM cases WHERE ref = $1`, ref)
	if err != nil {
		return c, fmt.Errorf("store: case %s: %w", ref, notFound(err))
	}
	return c, nil
}

// ListCases lists cases matching f, most urgent first: open cases by due
// date (earliest first), then closed ones, each by id within a day; one
// page of f.Limit after f.After. Every filter reads an index in this order
// (migration 0018: cases_list, cases_status_list, cases_review_list), so a
// page costs its rows, not the table.
func (s *Store) ListCases(ctx context.Context, f CaseFilter) ([]Case, error) {
	q, args := ListCasesQuery(f)
	var cs []Case
	if err := s.db.SelectContext(ctx, &cs, q, args...); err != nil {
		return nil, fmt.Errorf("store: list cases: %w", err)
	}
	return cs, nil
}

// ListCasesQuery is the statement ListCases sends for f, for EXPLAIN.
func ListCasesQuery(f CaseFilter) (string, []any) {
	q := `SELECT ` + caseColumns + ` FROM cases WHERE true`
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Status != "" {
		// One status: closedness is constant, the status index gives the order.
		q += ` AND status = ` + arg(f.Status)
	}
	if !f.Overdue.IsZero() {
		// IS FALSE, not NOT: the planner keeps it as a bound on the first
		// column of cases_list (NOT would become status <> 'gesloten').
		q += ` AND (status = 'gesloten') IS FALSE AND decision_due < ` + arg(f.Overdue)
	}
	if f.Review {
		q += ` AND needs_review`
	}
	if f.After != (CaseCursor{}) {
		if f.Status != "" {
			q += fmt.Sprintf(` AND (decision_due, id) > (%s::date, %s)`, arg(f.After.Due), arg(f.After.ID))
		} else {
			q += fmt.Sprintf(` AND ((status = 'gesloten'), decision_due, id) > (%s, %s::date, %s)`,
				arg(f.After.Closed), arg(f.After.Due), arg(f.After.ID))
		}
	}
	if f.Status != "" {
		q += ` ORDER BY decision_due, id`
	} else {
		q += ` ORDER BY (status = 'gesloten'), decision_due, id`
	}
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	return q, args
}

// cleanText makes every text value of c storable (Clean).
func (c *Case) cleanText() {
	c.Ref, c.Status, c.Category = Clean(c.Ref), Clean(c.Status), Clean(c.Category)
	c.Outcome.String, c.HandlerAddress = Clean(c.Outcome.String), Clean(c.HandlerAddress)
	c.ComplainantName, c.ComplainantAddress = Clean(c.ComplainantName), Clean(c.ComplainantAddress)
	c.Subject, c.Language, c.Policy = Clean(c.Subject), Clean(c.Language), Clean(c.Policy)
	c.RespondentName, c.RespondentAddress = Clean(c.RespondentName), Clean(c.RespondentAddress)
}
