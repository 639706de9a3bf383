package store

import (
	"context"
	"fmt"
	"math"
	"time"
)

// AutoAnswer is one automatic mail to an address taken from an incoming
// mail, counted against the caps on such mails.
type AutoAnswer struct {
	OutboxID int64
	Kind     string // "ack" or "notice"
	Mailbox  string // lower case, without +tag
	Domain   string
	At       time.Time
}

// AutoAnswerCounts are the answers of one kind in the caps' windows.
type AutoAnswerCounts struct {
	Mailbox int // to the mailbox since the mailbox window began
	Domain  int // to the domain since the domain window began
	All     int // to anyone since the domain window began
}

// RecordAutoAnswer counts a queued mail against the caps.
func (tx *Tx) RecordAutoAnswer(ctx context.Context, a AutoAnswer) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO auto_answers (outbox_id, kind, mailbox, domain, at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (outbox_id) DO NOTHING`, a.OutboxID, a.Kind, a.Mailbox, a.Domain, a.At)
	if err != nil {
		return fmt.Errorf("store: record auto answer: %w", err)
	}
	return nil
}

// CountAutoAnswers counts the answers of kind to mailbox since mailboxSince,
// and to domain and to anyone since since, in full.
func (tx *Tx) CountAutoAnswers(ctx context.Context, kind, mailbox, domain string, mailboxSince, since time.Time) (AutoAnswerCounts, error) {
	all := AutoAnswerCounts{Mailbox: math.MaxInt32, Domain: math.MaxInt32, All: math.MaxInt32}
	return tx.CountAutoAnswersUpTo(ctx, kind, mailbox, domain, mailboxSince, since, all)
}

// CountAutoAnswersUpTo is CountAutoAnswers with the mailbox's and the
// domain's counts stopping at their caps in upTo: a cap needs to know "at
// the cap or over", and counting no further keeps the count's cost bounded
// by the cap, not by the day's answers (a backlog of thousands). The count
// to anyone comes from the per-minute counts (allSince), whatever its cap. It first takes a transaction lock, so
// that intake transactions on several mailboxes (or instances) count one
// after the other and a cap holds exactly.
func (tx *Tx) CountAutoAnswersUpTo(ctx context.Context, kind, mailbox, domain string, mailboxSince, since time.Time, upTo AutoAnswerCounts) (AutoAnswerCounts, error) {
	var c AutoAnswerCounts
	if err := tx.lockCaps(ctx); err != nil {
		return c, err
	}
	err := tx.QueryRowxContext(ctx, `
		SELECT (SELECT count(*) FROM (SELECT 1 FROM auto_answers WHERE kind = $1 AND mailbox = $2 AND at >= $4 LIMIT $6) m),
		       (SELECT count(*) FROM (SELECT 1 FROM auto_answers WHERE kind = $1 AND domain = $3 AND at >= $5 LIMIT $7) d),
		       (`+allSince+`)`,
		kind, mailbox, domain, mailboxSince, since, upTo.Mailbox, upTo.Domain).Scan(&c.Mailbox, &c.Domain, &c.All)
	if err != nil {
		return c, fmt.Errorf("store: count auto answers: %w", err)
	}
	return c, nil
}

// allSince counts the answers of kind $1 to anyone since $5, from the
// per-minute counts (migration 0020): from the start of $5's minute, so at
// most a minute more than asked, never less; upTo.All is not needed.
const allSince = `SELECT coalesce(sum(n), 0) FROM auto_answer_minutes WHERE kind = $1 AND minute >= date_trunc('minute', $5::timestamptz)`

// capsLock is whether a Tx holds the caps' transaction lock.
type capsLock int

const (
	capsUnlocked    capsLock = iota
	capsInSavepoint          // taken in the open savepoint: a rollback to it releases it
	capsLocked               // held until the transaction ends
)

// lockCaps takes the caps' transaction lock once per transaction (the
// mails of a batch count after one another anyway). A lock taken inside a
// savepoint that is rolled back is released by PostgreSQL, so it is taken
// again after that.
func (tx *Tx) lockCaps(ctx context.Context) error {
	if tx.caps != capsUnlocked {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('klachtd:auto_answers'))`); err != nil {
		return fmt.Errorf("store: lock auto answers: %w", err)
	}
	tx.caps = capsLocked
	if tx.inSavepoint {
		tx.caps = capsInSavepoint
	}
	return nil
}
