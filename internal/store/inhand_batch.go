package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// A batch is several mails of one mailbox (same UIDVALIDITY) stored in one
// transaction, one savepoint per mail (package cases, HandleBatch).

// errMixedBatch: the mails of a batch must share mailbox and UIDVALIDITY.
var errMixedBatch = errors.New("store: a batch mixes mailboxes or UIDVALIDITY")

// batchKeys checks ks and returns its mailbox, UIDVALIDITY and UIDs.
func batchKeys(ks []MailKey) (mailbox string, uidValidity int64, uids []int64, err error) {
	if len(ks) == 0 {
		return "", 0, nil, nil
	}
	for _, k := range ks {
		if k.Mailbox != ks[0].Mailbox || k.UIDValidity != ks[0].UIDValidity {
			return "", 0, nil, errMixedBatch
		}
		uids = append(uids, int64(k.UID))
	}
	return ks[0].Mailbox, int64(ks[0].UIDValidity), uids, nil
}

// LockMails is LockMail for every mail of a batch, in their order, with one
// statement.
func (tx *Tx) LockMails(ctx context.Context, ks []MailKey) error {
	ids := make([]int64, len(ks))
	for i, k := range ks {
		ids[i] = tx.mailLockID(k)
	}
	_, err := tx.ExecContext(ctx, `
		SELECT count(pg_advisory_xact_lock(u.id)) FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, i)`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: lock mails: %w", err)
	}
	return nil
}

// MarkBatchInHand records, in a statement of its own that commits at once
// (like MarkInHand), that holder is about to handle the mails ks together
// in one transaction: each is marked in hand with in_batch set. It marks
// nothing and returns false when any of them carries a mark of another
// process (that process died with it in hand, alone or in a batch): those
// mails are to be handled one at a time, so that the one that kills a
// process is found and only it gets the safe header read. The caller holds
// LockMails.
func (s *Store) MarkBatchInHand(ctx context.Context, ks []MailKey, holder string) (bool, error) {
	mb, uv, uids, err := batchKeys(ks)
	if err != nil || len(uids) == 0 {
		return false, err
	}
	var off string
	var marked bool
	err = s.db.QueryRowContext(ctx, `
		WITH foreign_mark AS (
			SELECT 1 FROM mails_in_hand WHERE mailbox = $1 AND uid_validity = $2 AND uid = ANY($3::bigint[]) AND holder <> $4
		), up AS (
			INSERT INTO mails_in_hand (mailbox, uid_validity, uid, attempts, holder, in_batch)
			SELECT $1, $2, u, 1, $4, true FROM unnest($3::bigint[]) AS u
			WHERE NOT EXISTS (SELECT 1 FROM foreign_mark)
			ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET
				attempts = mails_in_hand.attempts + 1, holder = EXCLUDED.holder, started_at = now(), in_batch = true
		)
		SELECT set_config('synchronous_commit', 'off', true), NOT EXISTS (SELECT 1 FROM foreign_mark)`,
		Clean(s.acct.lockKey(mb)), uv, pq.Array(uids), holder).Scan(&off, &marked)
	if err != nil {
		return false, fmt.Errorf("store: mark batch in hand: %w", err)
	}
	return marked, nil
}

// ClearBatchInHand forgets that the mails ks are in hand: in the batch's
// transaction, or after an attempt (a batch's or one mail's) whose
// transaction failed.
func (tx *Tx) ClearBatchInHand(ctx context.Context, ks []MailKey) error {
	mb, uv, uids, err := batchKeys(ks)
	if err != nil || len(uids) == 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM mails_in_hand WHERE mailbox = $1 AND uid_validity = $2 AND uid = ANY($3::bigint[])`,
		Clean(tx.acct.lockKey(mb)), uv, pq.Array(uids))
	if err != nil {
		return fmt.Errorf("store: clear batch in hand: %w", err)
	}
	return nil
}

// Savepoint starts the savepoint of one mail of a batch; Release keeps its
// work, RollbackTo undoes only it (the transaction goes on).
func (tx *Tx) Savepoint(ctx context.Context) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT mail`); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	tx.inSavepoint = true
	return nil
}

// Release ends the savepoint of Savepoint, keeping its work.
func (tx *Tx) Release(ctx context.Context) error {
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT mail`); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	tx.inSavepoint = false
	if tx.caps == capsInSavepoint {
		tx.caps = capsLocked
	}
	return nil
}

// RollbackTo undoes the work since Savepoint and ends it.
func (tx *Tx) RollbackTo(ctx context.Context) error {
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT mail; RELEASE SAVEPOINT mail`); err != nil {
		return fmt.Errorf("store: rollback to savepoint: %w", err)
	}
	tx.inSavepoint = false
	if tx.caps == capsInSavepoint {
		tx.caps = capsUnlocked // PostgreSQL released it with the savepoint
	}
	return nil
}
