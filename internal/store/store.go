// Package store keeps everything klachtd knows in PostgreSQL, through sqlx and
// lib/pq. Nothing lives only in memory or only in the mailbox.
//
// Each public method on Store is one transaction. Work that must be atomic
// across tables (a mail, its case, its events, the mails it causes and the
// mailbox checkpoint) runs inside InTx, whose callback gets a *Tx with the
// statement-level methods; the transaction commits only when the callback
// returns nil. Uniqueness is enforced by the schema (Message-ID with content
// hash, raw-bytes hash, outbox dedupe keys), so two instances racing on the
// same work end with one row.
//
// Inside a Tx, a statement with parameters runs as a prepared statement,
// prepared once per connection and kept for the Store's life (prepared.go):
// lib/pq needs two round trips for an unprepared one. The statements name
// their columns, so a migration that adds columns does not invalidate them;
// klachtd is restarted after a migration anyway (CheckSchema).
//
// Every text, text[] and jsonb value of a message, case, event or outbox row
// is cleaned before it is written (Clean: valid UTF-8, no NUL), so no content
// of a mail can fail an insert; raw bytes (bytea) are stored as they are.
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

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is the PostgreSQL database of one klachtd installation.
type Store struct {
	db   *sqlx.DB
	acct Account // see ForAccount
	prep *prepared
}

// Open connects and checks that the database answers.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	// Keep every connection the pool may open: with Go's default of two
	// idle ones, the sixteen delivery workers and the intake closed and
	// reopened PostgreSQL connections (a backend fork each) all through a
	// backlog. Idle ones go after five minutes.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &Store{db: db, prep: newPrepared()}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	if s.prep != nil {
		s.prep.close()
	}
	return s.db.Close()
}

// DB is the underlying pool, for the job queue that shares it.
func (s *Store) DB() *sql.DB { return s.db.DB }

// Tx is one open transaction.
type Tx struct {
	*sqlx.Tx
	acct Account // of the Store that began it
	db   *sqlx.DB
	prep *prepared // nil: nothing prepared
	// caps is whether this transaction holds the caps' lock (caps.go), and
	// since when: a lock taken inside a savepoint goes with its rollback.
	caps capsLock
	// inSavepoint: between Savepoint and Release or RollbackTo.
	inSavepoint bool
}

// InTx runs fn in one transaction and commits when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{Tx: tx, acct: s.acct, db: s.db, prep: s.prep}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is PostgreSQL's duplicate-key error.
func IsUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
