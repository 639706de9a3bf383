package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one line of a case's audit trail. Events are never changed.
type Event struct {
	ID      int64           `db:"id"`
	CaseID  int64           `db:"case_id"`
	At      time.Time       `db:"at"`
	Actor   string          `db:"actor"`
	Kind    string          `db:"kind"`
	Message sql.NullInt64   `db:"message"`
	Outbox  sql.NullInt64   `db:"outbox"`
	Detail  json.RawMessage `db:"detail"`
}

// AddEvent appends e to its case's audit trail. A nil Detail is stored as {}.
func (tx *Tx) AddEvent(ctx context.Context, e *Event) error {
	if e.Detail == nil {
		e.Detail = json.RawMessage(`{}`)
	}
	e.Actor, e.Kind, e.Detail = Clean(e.Actor), Clean(e.Kind), cleanJSON(e.Detail)
	err := tx.QueryRowxContext(ctx, `
		INSERT INTO case_events (case_id, at, actor, kind, message, outbox, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.CaseID, e.At, e.Actor, e.Kind, e.Message, e.Outbox, []byte(e.Detail)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: add event: %w", err)
	}
	return nil
}

// Events returns a case's audit trail in order.
func (s *Store) Events(ctx context.Context, caseID int64) ([]Event, error) {
	return s.events(ctx, "case_id", caseID)
}

// EventsOfMessage returns the events a stored mail caused, in order.
func (s *Store) EventsOfMessage(ctx context.Context, messageRow int64) ([]Event, error) {
	return s.events(ctx, "message", messageRow)
}

// events lists the events whose column (case_id or message) is id.
func (s *Store) events(ctx context.Context, column string, id int64) ([]Event, error) {
	var es []Event
	err := s.db.SelectContext(ctx, &es, `
		SELECT id, case_id, at, actor, kind, message, outbox, detail
		FROM case_events WHERE `+column+` = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: events by %s: %w", column, err)
	}
	return es, nil
}

// Detail marshals v for Event.Detail; v is always a plain map or struct.
func Detail(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: event detail: %v", err))
	}
	return b
}
