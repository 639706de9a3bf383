package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Outgoing mail statuses.
const (
	OutboxQueued = "queued"
	OutboxSent   = "sent"
	OutboxFailed = "failed"
)

// OutboxMail is one mail klachtd sends, fully rendered.
type OutboxMail struct {
	ID        int64          `db:"id"`
	CaseID    sql.NullInt64  `db:"case_id"`
	Kind      string         `db:"kind"`
	DedupeKey sql.NullString `db:"dedupe_key"`
	MessageID string         `db:"message_id"`
	MailFrom  string         `db:"mail_from"`
	Rcpt      pq.StringArray `db:"rcpt"`
	Subject   string         `db:"subject"`
	Raw       []byte         `db:"raw"`
	Automatic bool           `db:"automatic"`
	Status    string         `db:"status"`
	Attempts  int            `db:"attempts"`
	LastError string         `db:"last_error"`
	CreatedAt time.Time      `db:"created_at"`
	SentAt    sql.NullTime   `db:"sent_at"`
	// SendingSince is set while a delivery attempt is in flight (see
	// ClaimOutbox); on a queued row at the start of an attempt it means the
	// previous attempt was cut off before its outcome was recorded.
	SendingSince sql.NullTime `db:"sending_since"`
}

const outboxColumns = `id, case_id, kind, dedupe_key, message_id, mail_from, rcpt, subject, raw,
	automatic, status, attempts, last_error, created_at, sent_at, sending_since`

// InsertOutbox queues m unless a mail with the same dedupe key exists; it sets
// m.ID and reports whether this call inserted it.
func (tx *Tx) InsertOutbox(ctx context.Context, m *OutboxMail) (bool, error) {
	m.Kind, m.MessageID, m.MailFrom, m.Subject = Clean(m.Kind), Clean(m.MessageID), Clean(m.MailFrom), Clean(m.Subject)
	m.DedupeKey.String, m.Rcpt = Clean(m.DedupeKey.String), cleanAll(m.Rcpt)
	err := tx.QueryRowxContext(ctx, `
		INSERT INTO outbox (case_id, kind, dedupe_key, message_id, mail_from, rcpt, subject, raw, automatic, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING id`,
		m.CaseID, m.Kind, m.DedupeKey, m.MessageID, m.MailFrom, m.Rcpt, m.Subject, m.Raw, m.Automatic, m.CreatedAt,
	).Scan(&m.ID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: insert outbox: %w", err)
	}
	return true, nil
}

// AutomaticMailsTo counts automatic mails queued for addr since t: the loop guard.
func (tx *Tx) AutomaticMailsTo(ctx context.Context, addr string, since time.Time) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, `
		SELECT count(*) FROM outbox WHERE `+automaticTo("$1", "$2"), addr, since)
	if err != nil {
		return 0, fmt.Errorf("store: count automatic mails: %w", err)
	}
	return n, nil
}

// automaticTo is the loop guard's condition on the outbox: automatic mail
// queued to addr since since (SQL expressions), for one address
// (AutomaticMailsTo) and for a run (FreshFactsOf) alike.
func automaticTo(addr, since string) string {
	return `automatic AND rcpt @> ARRAY[lower(` + addr + `)] AND created_at >= ` + since
}

// OutboxMail loads one outgoing mail.
func (s *Store) OutboxMail(ctx context.Context, id int64) (*OutboxMail, error) {
	var m OutboxMail
	if err := s.db.GetContext(ctx, &m, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("store: outbox %d: %w", id, notFound(err))
	}
	return &m, nil
}

// OutboxForCase lists a case's outgoing mail in order, without raw bytes.
func (s *Store) OutboxForCase(ctx context.Context, caseID int64) ([]OutboxMail, error) {
	var ms []OutboxMail
	err := s.db.SelectContext(ctx, &ms, `
		SELECT id, case_id, kind, dedupe_key, message_id, mail_from, rcpt, subject, ''::bytea AS raw,
			automatic, status, attempts, last_error, created_at, sent_at, sending_since
		FROM outbox WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: outbox for case: %w", err)
	}
	return ms, nil
}

// ErrNotQueued means a mail is no longer queued (sent or failed): nothing
// is to be sent for it.
var ErrNotQueued = errors.New("store: outbox mail not queued")

// claimOutbox marks a queued row in flight and returns it with the mark it
// had before: the sub-select locks the row and reads the old sending_since
// (READ COMMITTED re-checks status = 'queued' after waiting for a lock).
const claimOutbox = `
	UPDATE outbox o SET sending_since = $2, sending_until = $3
	FROM (SELECT id, sending_since FROM outbox WHERE id = $1 AND status = 'queued' FOR UPDATE) prev
	WHERE o.id = prev.id
	RETURNING o.id, o.case_id, o.kind, o.dedupe_key, o.message_id, o.mail_from, o.rcpt, o.subject, o.raw,
		o.automatic, o.status, o.attempts, o.last_error, o.created_at, o.sent_at, prev.sending_since`

// ClaimOutbox starts a delivery attempt of a queued mail in one round trip:
// it marks the row in flight from at until until and returns it as it was, so SendingSince is an earlier attempt's mark that
// was never cleared (that attempt was cut off). A row that is no longer
// queued is left alone: ErrNotQueued; a missing one is ErrNotFound.
func (s *Store) ClaimOutbox(ctx context.Context, id int64, at, until time.Time) (*OutboxMail, error) {
	return s.claim(ctx, id, claimOutbox, id, at, until)
}

// claim runs a claim query of row id: the row as it was, ErrNotQueued or
// ErrNotFound.
func (s *Store) claim(ctx context.Context, id int64, query string, args ...any) (*OutboxMail, error) {
	var m OutboxMail
	err := s.queryRowPrepared(ctx, query, args...).StructScan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		var status string
		err = s.db.GetContext(ctx, &status, `SELECT status FROM outbox WHERE id = $1`, id)
		if err == nil {
			err = ErrNotQueued
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox %d: %w", id, notFound(err))
	}
	return &m, nil
}

// claimOutboxAfterSent is markSent of one row and claimOutbox of another
// in one statement.
const claimOutboxAfterSent = `
	WITH sent AS (
		UPDATE outbox SET status = 'sent', sent_at = $5, attempts = attempts + 1, last_error = '',
			sending_since = NULL, sending_until = NULL
		WHERE id = $4
	)` + claimOutbox

// ClaimOutboxAfterSent is MarkSent(sent, sentAt) and ClaimOutbox(id, at,
// until) in one statement and one commit: a delivery job that sends several
// rows records each row's 250 with the claim of the next, which follows it
// at once. The mark is written whether or not id is still queued; when the
// statement fails, neither is.
func (s *Store) ClaimOutboxAfterSent(ctx context.Context, sent int64, sentAt time.Time, id int64, at, until time.Time) (*OutboxMail, error) {
	return s.claim(ctx, id, claimOutboxAfterSent, id, at, until, sent, sentAt)
}

const markSent = `
	UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = '',
		sending_since = NULL, sending_until = NULL
	WHERE id = $1`

// MarkSent records a delivered mail.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.execPrepared(ctx, markSent, id, at); err != nil {
		return fmt.Errorf("store: mark sent: %w", err)
	}
	return nil
}

// MarkAttemptFailed records a failed delivery attempt; permanent failures end
// the mail's life as failed and leave an event on its case, in one transaction.
func (s *Store) MarkAttemptFailed(ctx context.Context, id int64, at time.Time, cause string, permanent bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		status := OutboxQueued
		if permanent {
			status = OutboxFailed
		}
		var m OutboxMail
		err := tx.GetContext(ctx, &m, `
			UPDATE outbox SET attempts = attempts + 1, last_error = $2, status = $3,
				sending_since = NULL, sending_until = NULL
			WHERE id = $1
			RETURNING `+outboxColumns, id, cause, status)
		if err != nil {
			return fmt.Errorf("store: mark failed: %w", err)
		}
		if !permanent || !m.CaseID.Valid {
			return nil
		}
		return tx.AddEvent(ctx, &Event{CaseID: m.CaseID.Int64, At: at, Actor: "klachtd", Kind: "delivery_failed",
			Outbox: sql.NullInt64{Int64: id, Valid: true},
			Detail: Detail(map[string]any{"kind": m.Kind, "rcpt": m.Rcpt, "error": cause})})
	})
}

// UntriedOutbox counts queued mails that no delivery attempt has reached yet.
func (s *Store) UntriedOutbox(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts = 0`); err != nil {
		return 0, fmt.Errorf("store: untried outbox: %w", err)
	}
	return n, nil
}

// CaseRef returns the reference of a case id.
func (s *Store) CaseRef(ctx context.Context, caseID int64) (string, error) {
	var ref string
	if err := s.db.GetContext(ctx, &ref, `SELECT ref FROM cases WHERE id = $1`, caseID); err != nil {
		return "", fmt.Errorf("store: case ref: %w", notFound(err))
	}
	return ref, nil
}

// RefersToOurMail reports whether any of ids is a mail klachtd sent.
func (tx *Tx) RefersToOurMail(ctx context.Context, ids []string) (bool, error) {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM outbox WHERE message_id = ANY($1))`, pq.StringArray(ids)); err != nil {
		return false, fmt.Errorf("store: refers to our mail: %w", err)
	}
	return ok, nil
}

// queryRowPrepared runs query on the pool as a statement prepared once per
// connection (see prepared.go): the delivery workers' statements run
// thousands of times a minute in a backlog, and lib/pq needs two round
// trips and a fresh plan for an unprepared statement with parameters.
func (s *Store) queryRowPrepared(ctx context.Context, query string, args ...any) *sqlx.Row {
	if s.prep != nil {
		if st := s.prep.get(ctx, s.db, query); st != nil {
			return st.QueryRowxContext(ctx, args...)
		}
	}
	return s.db.QueryRowxContext(ctx, query, args...)
}

// execPrepared is queryRowPrepared for a statement without rows.
func (s *Store) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.prep != nil {
		if st := s.prep.get(ctx, s.db, query); st != nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return s.db.ExecContext(ctx, query, args...)
}
