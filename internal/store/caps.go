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
	err := tx.QueryRowxContext(ctx, `SELECT `+countAnswers,
		kind, mailbox, domain, mailboxSince, since, upTo.Mailbox, upTo.Domain).Scan(&c.Mailbox, &c.Domain, &c.All)
	if err != nil {
		return c, fmt.Errorf("store: count auto answers: %w", err)
	}
	return c, nil
}

// countAnswers is CountAutoAnswersUpTo's query ($1 kind, $2 mailbox, $3
// domain, $4 and $5 the windows' starts, $6 and $7 the caps).
var countAnswers = answerCounts("$1", "$2", "$3", "$4", "$5", "$6", "$7")

// answerCounts is the SQL of the caps' three counts of the answers of kind:
// to mailbox since mailboxSince and to domain since since, each stopping at
// its limit, and to anyone since since from the per-minute counts
// (migration 0020: from the start of since's minute, so at most a minute
// more than asked, never less). The arguments are SQL expressions, so that
// one mail (CountAutoAnswersUpTo) and a run of them (FreshFactsOf) are
// counted by the same text.
func answerCounts(kind, mailbox, domain, mailboxSince, since, mailboxLimit, domainLimit string) string {
	return `(SELECT count(*) FROM (SELECT 1 FROM auto_answers WHERE kind = ` + kind + ` AND mailbox = ` + mailbox +
		` AND at >= ` + mailboxSince + ` LIMIT ` + mailboxLimit + `) m),
		(SELECT count(*) FROM (SELECT 1 FROM auto_answers WHERE kind = ` + kind + ` AND domain = ` + domain +
		` AND at >= ` + since + ` LIMIT ` + domainLimit + `) d),
		(SELECT coalesce(sum(n), 0) FROM auto_answer_minutes WHERE kind = ` + kind +
		` AND minute >= date_trunc('minute', ` + since + `::timestamptz))`
}

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
