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

// Checkpoint returns the committed checkpoint of mailbox, zero when there is none.
func (s *Store) Checkpoint(ctx context.Context, mailbox string) (Checkpoint, error) {
	var c Checkpoint
	err := s.db.GetContext(ctx, &c,
		`SELECT uid_validity, last_uid FROM mailbox_checkpoints WHERE mailbox = $1`, mailbox)
	if err = notFound(err); err != nil && err != ErrNotFound {
		return c, fmt.Errorf("store: checkpoint: %w", err)
	}
	return c, nil
}

// SaveCheckpoint records that uid of mailbox is stored. The last UID only grows
// within one UIDVALIDITY; a new UIDVALIDITY starts over.
func (tx *Tx) SaveCheckpoint(ctx context.Context, mailbox string, uidValidity, uid uint32) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO mailbox_checkpoints (mailbox, uid_validity, last_uid) VALUES ($1, $2, $3)
		ON CONFLICT (mailbox) DO UPDATE SET
			last_uid = CASE WHEN mailbox_checkpoints.uid_validity = EXCLUDED.uid_validity
				THEN GREATEST(mailbox_checkpoints.last_uid, EXCLUDED.last_uid)
				ELSE EXCLUDED.last_uid END,
			uid_validity = EXCLUDED.uid_validity,
			updated_at = now()`, mailbox, int64(uidValidity), int64(uid))
	if err != nil {
		return fmt.Errorf("store: save checkpoint: %w", err)
	}
	return nil
}
