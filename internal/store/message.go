package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Message is one incoming mail as stored.
type Message struct {
	ID        int64          `db:"id"`
	CaseID    sql.NullInt64  `db:"case_id"`
	MessageID sql.NullString `db:"message_id"`
	SHA256    string         `db:"sha256"`
	// ContentSHA256 is the hash of what the author wrote (cases.ContentHash):
	// with the Message-ID it decides what is a duplicate. "" = not computed.
	ContentSHA256 sql.NullString `db:"content_sha256"`
	Raw           []byte         `db:"raw"`
	Size          int            `db:"size"`
	Kind          string         `db:"kind"`
	FromAddress   string         `db:"from_address"`
	Subject       string         `db:"subject"`
	InternalDate  time.Time      `db:"internal_date"`
	Mailbox       string         `db:"mailbox"`
	UIDValidity   sql.NullInt64  `db:"uid_validity"`
	UID           sql.NullInt64  `db:"uid"`
	Quarantined   bool           `db:"quarantined"`
	Reasons       pq.StringArray `db:"reasons"`
	Warnings      pq.StringArray `db:"warnings"`
	InReplyTo     string         `db:"in_reply_to"`
	Refs          pq.StringArray `db:"refs"`
	Recipients    pq.StringArray `db:"recipients"`
	CreatedAt     time.Time      `db:"created_at"`
}

// messageColumns are the columns of Message without the raw bytes.
const messageColumns = `id, case_id, message_id, sha256, content_sha256, size, kind, from_address, subject, internal_date, mailbox,
	quarantined, reasons, warnings, in_reply_to, refs, recipients, created_at`

// InsertMessage stores m unless the same mail is stored already: the same
// Message-ID with the same content hash (or a row stored before content
// hashes existed), or, for a mail without Message-ID, the same raw bytes or
// content hash. It returns the row's id and whether this call inserted it.
// Every text value is cleaned (Clean) first; the raw bytes are kept as they are.
func (tx *Tx) InsertMessage(ctx context.Context, m *Message) (id int64, inserted bool, err error) {
	m.cleanText()
	err = tx.QueryRowxContext(ctx, `
		INSERT INTO messages (case_id, message_id, sha256, raw, size, kind, from_address, subject,
			internal_date, mailbox, uid_validity, uid, quarantined, reasons, warnings, in_reply_to, refs, recipients,
			content_sha256)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19
		WHERE NOT EXISTS (SELECT 1 FROM messages WHERE message_id = $2 AND content_sha256 IS NULL)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		m.CaseID, m.MessageID, m.SHA256, m.Raw, m.Size, m.Kind, m.FromAddress, m.Subject,
		m.InternalDate, m.Mailbox, m.UIDValidity, m.UID, m.Quarantined, m.Reasons, m.Warnings,
		m.InReplyTo, m.Refs, m.Recipients, m.ContentSHA256,
	).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: insert message: %w", err)
	}
	return id, true, nil
}

// cleanText makes every text value of m storable (Clean).
func (m *Message) cleanText() {
	m.MessageID.String = Clean(m.MessageID.String)
	m.SHA256, m.ContentSHA256.String = Clean(m.SHA256), Clean(m.ContentSHA256.String)
	m.Kind, m.FromAddress, m.Subject = Clean(m.Kind), Clean(m.FromAddress), Clean(m.Subject)
	m.Mailbox, m.InReplyTo = Clean(m.Mailbox), Clean(m.InReplyTo)
	m.Reasons, m.Warnings = cleanAll(m.Reasons), cleanAll(m.Warnings)
	m.Refs, m.Recipients = cleanAll(m.Refs), cleanAll(m.Recipients)
}

// StoredMessage finds the stored twin of a mail that InsertMessage did not
// insert: by Message-ID and content hash (or a row without one), or by raw
// bytes or content hash when messageID is empty. The raw bytes are not loaded.
func (tx *Tx) StoredMessage(ctx context.Context, messageID, contentSHA, sha string) (*Message, error) {
	var m Message
	messageID, contentSHA = Clean(messageID), Clean(contentSHA)
	var err error
	if messageID != "" {
		err = tx.GetContext(ctx, &m, `SELECT `+messageColumns+` FROM messages
			WHERE message_id = $1 AND (content_sha256 = $2 OR content_sha256 IS NULL) ORDER BY id LIMIT 1`, messageID, contentSHA)
	} else {
		err = tx.GetContext(ctx, &m, `SELECT `+messageColumns+` FROM messages
			WHERE message_id IS NULL AND (sha256 = $1 OR content_sha256 = $2) ORDER BY id LIMIT 1`, sha, contentSHA)
	}
	if err != nil {
		return nil, fmt.Errorf("store: stored message: %w", notFound(err))
	}
	return &m, nil
}

// MessageIDReused reports whether a mail with this Message-ID but other
// content is stored already: a sender that reuses Message-IDs, or a forger.
func (tx *Tx) MessageIDReused(ctx context.Context, messageID, contentSHA string) (bool, error) {
	var n int
	err := tx.GetContext(ctx, &n, `SELECT count(*) FROM messages
		WHERE message_id = $1 AND content_sha256 IS NOT NULL AND content_sha256 <> $2`, Clean(messageID), Clean(contentSHA))
	if err != nil {
		return false, fmt.Errorf("store: message id reused: %w", err)
	}
	return n > 0, nil
}

// SetMessageCase links a stored message to its case.
func (tx *Tx) SetMessageCase(ctx context.Context, messageRow, caseID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET case_id = $2 WHERE id = $1`, messageRow, caseID); err != nil {
		return fmt.Errorf("store: set message case: %w", err)
	}
	return nil
}

// CaseByMessageIDs returns the case that any of ids (without <>) belongs to,
// through a mail we stored or one we sent; the most recent match wins.
func (tx *Tx) CaseByMessageIDs(ctx context.Context, ids []string) (int64, error) {
	var caseID int64
	err := tx.GetContext(ctx, &caseID, `
		SELECT case_id FROM (
			SELECT case_id, created_at FROM messages WHERE message_id = ANY($1) AND case_id IS NOT NULL
			UNION ALL
			SELECT case_id, created_at FROM outbox WHERE message_id = ANY($1) AND case_id IS NOT NULL
		) m ORDER BY created_at DESC LIMIT 1`, cleanAll(ids))
	if err != nil {
		return 0, fmt.Errorf("store: case by message ids: %w", notFound(err))
	}
	return caseID, nil
}

// MessagesAfter lists stored incoming mails with id > after, in order, without raw bytes.
func (s *Store) MessagesAfter(ctx context.Context, after int64) ([]Message, error) {
	var ms []Message
	err := s.db.SelectContext(ctx, &ms, `SELECT `+messageColumns+` FROM messages WHERE id > $1 ORDER BY id`, after)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	return ms, nil
}

// MessagesOfCase lists a case's incoming mails in delivery order, without raw bytes.
func (s *Store) MessagesOfCase(ctx context.Context, caseID int64) ([]Message, error) {
	var ms []Message
	err := s.db.SelectContext(ctx, &ms, `SELECT `+messageColumns+` FROM messages WHERE case_id = $1 ORDER BY internal_date, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: messages of case: %w", err)
	}
	return ms, nil
}

// LastMailFrom returns the newest mail of a case sent by addr, for threading
// an answer on that person's own conversation.
func (tx *Tx) LastMailFrom(ctx context.Context, caseID int64, addr string) (*Message, error) {
	var m Message
	err := tx.GetContext(ctx, &m, `SELECT `+messageColumns+` FROM messages
		WHERE case_id = $1 AND from_address = lower($2) AND message_id IS NOT NULL
		ORDER BY internal_date DESC, id DESC LIMIT 1`, caseID, Clean(addr))
	if err != nil {
		return nil, fmt.Errorf("store: last mail from: %w", notFound(err))
	}
	return &m, nil
}

// FirstRaw returns the raw bytes of the first mail of a case.
func (tx *Tx) FirstRaw(ctx context.Context, caseID int64) ([]byte, error) {
	var raw []byte
	err := tx.GetContext(ctx, &raw, `SELECT raw FROM messages WHERE case_id = $1 ORDER BY internal_date, id LIMIT 1`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: first mail of case: %w", notFound(err))
	}
	return raw, nil
}
