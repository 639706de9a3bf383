package store

import (
	"context"
	"fmt"
)

// Checkpoint is how far intake got in one IMAP mailbox.
type Checkpoint struct {
	UIDValidity uint32 `db:"uid_validity"`
	LastUID     uint32 `db:"last_uid"`
}

// Checkpoint returns the committed checkpoint of folder of the Store's
// Account, zero when there is none. A checkpoint from before accounts were
// told apart (migration 0014) is taken over by the first account that asks
// for its folder.
func (s *Store) Checkpoint(ctx context.Context, folder string) (Checkpoint, error) {
	var c Checkpoint
	err := s.db.GetContext(ctx, &c, `
		SELECT uid_validity, last_uid FROM mailbox_checkpoints
		WHERE server = $1 AND username = $2 AND mailbox = $3`, s.acct.Server, s.acct.User, folder)
	if err = notFound(err); err == ErrNotFound && s.acct != (Account{}) {
		err = notFound(s.db.GetContext(ctx, &c, `
			UPDATE mailbox_checkpoints SET server = $1, username = $2, updated_at = now()
			WHERE server = '' AND username = '' AND mailbox = $3
			RETURNING uid_validity, last_uid`, s.acct.Server, s.acct.User, folder))
	}
	if err != nil && err != ErrNotFound {
		return c, fmt.Errorf("store: checkpoint: %w", err)
	}
	return c, nil
}

// SaveCheckpoint records that uid of folder (of the Store's Account) is
// stored. The last UID only grows within one UIDVALIDITY; a new UIDVALIDITY
// starts over.
func (tx *Tx) SaveCheckpoint(ctx context.Context, folder string, uidValidity, uid uint32) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO mailbox_checkpoints (server, username, mailbox, uid_validity, last_uid) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (server, username, mailbox) DO UPDATE SET
			last_uid = CASE WHEN mailbox_checkpoints.uid_validity = EXCLUDED.uid_validity
				THEN GREATEST(mailbox_checkpoints.last_uid, EXCLUDED.last_uid)
				ELSE EXCLUDED.last_uid END,
			uid_validity = EXCLUDED.uid_validity,
			updated_at = now()`, tx.acct.Server, tx.acct.User, folder, int64(uidValidity), int64(uid))
	if err != nil {
		return fmt.Errorf("store: save checkpoint: %w", err)
	}
	return nil
}
