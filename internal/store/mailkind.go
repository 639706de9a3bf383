package store

import (
	"context"
	"fmt"
)

// MailKind returns the kind of the message stored last for folder,
// uidValidity and uid (for the metrics), or "duplicate" when that mail was
// not stored as a row of its own: it was a copy of a stored mail.
func (s *Store) MailKind(ctx context.Context, folder string, uidValidity, uid uint32) (string, error) {
	var kind string
	err := s.db.GetContext(ctx, &kind, `
		SELECT kind FROM messages WHERE mailbox = $1 AND uid_validity = $2 AND uid = $3
		ORDER BY id DESC LIMIT 1`, folder, int64(uidValidity), int64(uid))
	switch err = notFound(err); err {
	case nil:
		return kind, nil
	case ErrNotFound:
		return "duplicate", nil
	default:
		return "", fmt.Errorf("store: mail kind: %w", err)
	}
}
