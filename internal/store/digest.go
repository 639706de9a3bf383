package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// DigestCase is one open case a manager's digest mentions, with the reasons.
type DigestCase struct {
	ID             int64         `db:"id"`
	Ref            string        `db:"ref"`
	Subject        string        `db:"subject"`
	HandlerAddress string        `db:"handler_address"`
	Status         string        `db:"status"`
	DecisionDue    deadline.Date `db:"decision_due"`
	Extensions     int           `db:"extensions"`
	CreatedAt      time.Time     `db:"created_at"`

	Overdue     bool `db:"overdue"`      // awaiting a decision, due before today
	DueSoon     bool `db:"due_soon"`     // awaiting a decision, due from today to DigestQuery.SoonUntil
	AckFailed   bool `db:"ack_failed"`   // the acknowledgement failed, or a delivery attempt did
	AckBounced  bool `db:"ack_bounced"`  // the acknowledgement came back: bad address
	NeedsReview bool `db:"needs_review"` // a person must look (withheld acknowledgement, bounce, …)
	New         bool `db:"new"`          // registered after DigestQuery.NewSince
}

// DigestQuery says what a digest counts as overdue, due soon and new, and
// how many cases it lists.
type DigestQuery struct {
	Today     deadline.Date
	SoonUntil deadline.Date // last day that counts as due soon
	NewSince  time.Time
	Limit     int // at most this many cases are listed; 0 lists none
}

// DigestCounts counts the open cases a digest mentions, by reason; a case
// may count under several. Total counts each case once.
type DigestCounts struct {
	Total       int `db:"total"`
	Overdue     int `db:"overdue"`
	DueSoon     int `db:"due_soon"`
	AckProblems int `db:"ack_problems"` // acknowledgement failed or bounced
	Review      int `db:"review"`
	New         int `db:"new"`
}

// digestFlagged is the open cases with the digest's reasons: $1 today, $2
// the last day that is due soon, $3 the start of "new". The failed
// acknowledgements are one hashed subquery over the outbox, not a probe
// per case.
const digestFlagged = `
	WITH failed_ack AS (
		SELECT case_id FROM outbox WHERE kind = 'ack' AND case_id IS NOT NULL
			AND (status = 'failed' OR (status = 'queued' AND attempts > 0))
	), flagged AS (
		SELECT c.id, c.ref, c.subject, c.handler_address, c.status, c.decision_due, c.extensions, c.created_at,
			(c.` + awaitingDecision + ` AND c.decision_due < $1) AS overdue,
			(c.` + awaitingDecision + ` AND c.decision_due >= $1 AND c.decision_due <= $2) AS due_soon,
			c.id IN (SELECT case_id FROM failed_ack) AS ack_failed,
			c.ack_bounced, c.needs_review,
			c.created_at > $3 AS new
		FROM cases c WHERE c.status <> 'gesloten'
	)`

// DigestCases counts the open cases that a digest mentions (overdue, due
// soon, acknowledgement failed or bounced, marked for review, or new) and
// lists the q.Limit most urgent of them: overdue, due soon,
// acknowledgement trouble, review, new; within each by due date and
// reference. Its memory is bounded by q.Limit, whatever the number of open
// cases.
func (s *Store) DigestCases(ctx context.Context, q DigestQuery) (DigestCounts, []DigestCase, error) {
	var n DigestCounts
	err := s.db.GetContext(ctx, &n, digestFlagged+`
		SELECT count(*) FILTER (WHERE overdue OR due_soon OR ack_failed OR ack_bounced OR needs_review OR new) AS total,
			count(*) FILTER (WHERE overdue) AS overdue, count(*) FILTER (WHERE due_soon) AS due_soon,
			count(*) FILTER (WHERE ack_failed OR ack_bounced) AS ack_problems,
			count(*) FILTER (WHERE needs_review) AS review, count(*) FILTER (WHERE new) AS new
		FROM flagged`, q.Today, q.SoonUntil, q.NewSince)
	if err != nil {
		return n, nil, fmt.Errorf("store: digest counts: %w", err)
	}
	var cs []DigestCase
	err = s.db.SelectContext(ctx, &cs, digestFlagged+`
		SELECT * FROM flagged WHERE overdue OR due_soon OR ack_failed OR ack_bounced OR needs_review OR new
		ORDER BY CASE WHEN overdue THEN 0 WHEN due_soon THEN 1 WHEN ack_failed OR ack_bounced THEN 2
			WHEN needs_review THEN 3 ELSE 4 END, decision_due, ref
		LIMIT $4`, q.Today, q.SoonUntil, q.NewSince, q.Limit)
	if err != nil {
		return n, nil, fmt.Errorf("store: digest cases: %w", err)
	}
	return n, cs, nil
}

// LastDigestTo is when the latest digest to addr before t was queued; ok is
// false when there was none.
func (s *Store) LastDigestTo(ctx context.Context, addr string, before time.Time) (at time.Time, ok bool, err error) {
	var t sql.NullTime
	err = s.db.GetContext(ctx, &t, `
		SELECT max(created_at) FROM outbox WHERE kind = 'digest' AND rcpt @> ARRAY[lower($1)] AND created_at < $2`, addr, before)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: last digest: %w", err)
	}
	return t.Time, t.Valid, nil
}

// Quarantined lists the mails put in quarantine (unreadable or over the size
// limit) since t, oldest first, without raw bytes: the digest reports them so
// that nobody's complaint sits unseen in a folder.
func (s *Store) Quarantined(ctx context.Context, since time.Time) ([]Message, error) {
	var ms []Message
	err := s.db.SelectContext(ctx, &ms, `SELECT `+messageColumns+` FROM messages
		WHERE quarantined AND created_at > $1 ORDER BY internal_date, id`, since)
	if err != nil {
		return nil, fmt.Errorf("store: quarantined: %w", err)
	}
	return ms, nil
}

// KindCount is how many mails of one kind there were.
type KindCount struct {
	Kind  string `db:"kind"`
	Count int    `db:"count"`
}

// CaselessSince counts the mails stored without a case and not quarantined
// since t, by kind (auto_reply, bounce, list, …): the digest shows them, so
// that a complaint taken for a machine would still be noticed.
func (s *Store) CaselessSince(ctx context.Context, since time.Time) ([]KindCount, error) {
	var ks []KindCount
	err := s.db.SelectContext(ctx, &ks, `SELECT kind, count(*) AS count FROM messages
		WHERE case_id IS NULL AND NOT quarantined AND created_at > $1 GROUP BY kind ORDER BY count(*) DESC, kind`, since)
	if err != nil {
		return nil, fmt.Errorf("store: case-less mail: %w", err)
	}
	return ks, nil
}
