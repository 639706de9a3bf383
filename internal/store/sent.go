package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// SentOnCase reports whether one of ids is the Message-ID of a mail we sent
// on the case: the proof that a bounce is about our mail, since our
// Message-IDs cannot be guessed and a case reference can.
func (tx *Tx) SentOnCase(ctx context.Context, caseID int64, ids []string) (bool, error) {
	var ok bool
	err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM outbox WHERE case_id = $1 AND message_id = ANY($2))`,
		caseID, pq.StringArray(ids))
	if err != nil {
		return false, fmt.Errorf("store: sent on case: %w", err)
	}
	return ok, nil
}

// OpeningFrom is the From address of the mail that opened the case ("" when
// the case has no mail).
func (tx *Tx) OpeningFrom(ctx context.Context, caseID int64) (string, error) {
	var from []string
	err := tx.SelectContext(ctx, &from, `SELECT from_address FROM messages WHERE case_id = $1 ORDER BY id LIMIT 1`, caseID)
	if err != nil {
		return "", fmt.Errorf("store: opening from: %w", err)
	}
	if len(from) == 0 {
		return "", nil
	}
	return from[0], nil
}
