package store

import (
	"context"
	"fmt"
	"hash/fnv"
)

// MailKey names one mail in an IMAP mailbox.
type MailKey struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
}

// InHand is what MarkInHand found of an earlier attempt on the same mail.
type InHand struct {
	Attempts int    // attempts before this one (0: none left a trace)
	Holder   string // the process that made the last of them
	// InBatch: the last attempt was part of a batch (MarkBatchInHand), so
	// a death then does not point at this mail.
	InBatch bool
}

// DiedOn reports whether an earlier attempt was made by another process and
// never finished: that process died with the mail in hand (a panic outside
// the handler, out of memory, SIGKILL). An attempt of holder itself that
// returned an error is not a death.
//
// A death during a batch (InBatch) is not taken for this mail's: the mail
// is parsed again, alone (see MarkBatchInHand).
func (h InHand) DiedOn(holder string) bool { return h.Attempts > 0 && h.Holder != holder && !h.InBatch }

// Foreign reports whether an earlier attempt by another process never
// finished, whether alone or in a batch.
func (h InHand) Foreign(holder string) bool { return h.Attempts > 0 && h.Holder != holder }

// LockMail serialises the handling of one mail across instances until tx
// ends (a transaction-level advisory lock), so that a mail one instance has
// in hand is never taken for a mail whose holder died.
func (tx *Tx) LockMail(ctx context.Context, k MailKey) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, tx.mailLockID(k)); err != nil {
		return fmt.Errorf("store: lock mail: %w", err)
	}
	return nil
}

// mailLockID is the advisory lock key of the mail k (LockMail, LockMails).
func (tx *Tx) mailLockID(k MailKey) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "klachtd:mail:%s:%d:%d", tx.acct.lockKey(k.Mailbox), k.UIDValidity, k.UID)
	return int64(h.Sum64())
}

// MarkInHand records, in a statement of its own that commits at once, that
// holder is about to parse the mail k. It returns what an earlier attempt
// left. The caller holds LockMail, so nobody else marks k meanwhile. The
// mark must survive klachtd's death, not PostgreSQL's, so the commit does
// not wait for the WAL flush (an OS crash that loses it only means the mail
// is parsed once more).
func (s *Store) MarkInHand(ctx context.Context, k MailKey, holder string) (InHand, error) {
	var prev InHand
	var off string
	err := s.db.QueryRowContext(ctx, `
		WITH prev AS (
			SELECT attempts, holder, in_batch FROM mails_in_hand WHERE mailbox = $1 AND uid_validity = $2 AND uid = $3
		), up AS (
			INSERT INTO mails_in_hand (mailbox, uid_validity, uid, attempts, holder) VALUES ($1, $2, $3, 1, $4)
			ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET
				attempts = mails_in_hand.attempts + 1, holder = EXCLUDED.holder, started_at = now(), in_batch = false
		)
		SELECT set_config('synchronous_commit', 'off', true),
			coalesce((SELECT attempts FROM prev), 0), coalesce((SELECT holder FROM prev), ''),
			coalesce((SELECT in_batch FROM prev), false)`,
		Clean(s.acct.lockKey(k.Mailbox)), int64(k.UIDValidity), int64(k.UID), holder).Scan(&off, &prev.Attempts, &prev.Holder, &prev.InBatch)
	if err != nil {
		return prev, fmt.Errorf("store: mark mail in hand: %w", err)
	}
	return prev, nil
}

// ClearInHand forgets that the mail k is in hand: in the transaction that
// stores it, or after an attempt that returned an error.
func (tx *Tx) ClearInHand(ctx context.Context, k MailKey) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM mails_in_hand WHERE mailbox = $1 AND uid_validity = $2 AND uid = $3`,
		Clean(tx.acct.lockKey(k.Mailbox)), int64(k.UIDValidity), int64(k.UID))
	if err != nil {
		return fmt.Errorf("store: clear mail in hand: %w", err)
	}
	return nil
}
