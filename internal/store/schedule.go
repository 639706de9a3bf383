package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// awaitingDecision is the scheduler's "still waiting for a decision": not
// closed, and not answered (a handler's answer reached the complainant).
// Reminders and escalations are only for such cases.
const awaitingDecision = `status NOT IN ('beantwoord', 'gesloten')`

// CasesAwaitingDecision lists the cases the scheduler looks at: those neither
// answered nor closed, earliest due first.
func (s *Store) CasesAwaitingDecision(ctx context.Context) ([]Case, error) {
	var cs []Case
	err := s.db.SelectContext(ctx, &cs, `SELECT `+caseColumns+` FROM cases WHERE `+awaitingDecision+` ORDER BY decision_due, id`)
	if err != nil {
		return nil, fmt.Errorf("store: cases awaiting decision: %w", err)
	}
	return cs, nil
}

// ClaimCaseAwaitingDecision locks a case that still awaits a decision for
// the rest of the transaction. It answers ErrNotFound when the case is
// answered, closed, or locked by another transaction (SKIP LOCKED): another
// instance is working on it, or its state is changing, and the next sweep
// looks again.
func (tx *Tx) ClaimCaseAwaitingDecision(ctx context.Context, id int64) (*Case, error) {
	var c Case
	err := tx.GetContext(ctx, &c, `SELECT `+caseColumns+` FROM cases WHERE id = $1 AND `+awaitingDecision+`
		FOR UPDATE SKIP LOCKED`, id)
	if err != nil {
		return nil, fmt.Errorf("store: claim case %d: %w", id, notFound(err))
	}
	return &c, nil
}

// ExistingDedupeKeys answers which of keys are already used in the outbox,
// so that a sweep renders only the mails that are still to be sent.
func (s *Store) ExistingDedupeKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(keys) == 0 {
		return found, nil
	}
	var used []string
	err := s.db.SelectContext(ctx, &used, `SELECT dedupe_key FROM outbox WHERE dedupe_key = ANY($1)`, pq.StringArray(keys))
	if err != nil {
		return nil, fmt.Errorf("store: existing dedupe keys: %w", err)
	}
	for _, k := range used {
		found[k] = true
	}
	return found, nil
}

// OutboxAfter lists outgoing mails with an id above after and one of kinds,
// in order, without raw bytes: what a sweep queued, for the demo's timeline.
func (s *Store) OutboxAfter(ctx context.Context, after int64, kinds []string) ([]OutboxMail, error) {
	var ms []OutboxMail
	err := s.db.SelectContext(ctx, &ms, `
		SELECT id, case_id, kind, dedupe_key, message_id, mail_from, rcpt, subject, ''::bytea AS raw,
			automatic, status, attempts, last_error, created_at, sent_at
		FROM outbox WHERE id > $1 AND kind = ANY($2) ORDER BY id`, after, pq.StringArray(kinds))
	if err != nil {
		return nil, fmt.Errorf("store: outbox after %d: %w", after, err)
	}
	return ms, nil
}
