package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
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

// MailKinds is MailKind for several mails of one folder with one query
// (the metrics of a batch); a mail without a row of its own is "duplicate".
func (s *Store) MailKinds(ctx context.Context, folder string, uidValidity uint32, uids []uint32) (map[uint32]string, error) {
	ids := make([]int64, len(uids))
	for i, u := range uids {
		ids[i] = int64(u)
	}
	var rows []struct {
		UID  int64  `db:"uid"`
		Kind string `db:"kind"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT DISTINCT ON (uid) uid, kind FROM messages
		WHERE mailbox = $1 AND uid_validity = $2 AND uid = ANY($3::bigint[])
		ORDER BY uid, id DESC`, folder, int64(uidValidity), pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: mail kinds: %w", err)
	}
	kinds := make(map[uint32]string, len(uids))
	for _, u := range uids {
		kinds[u] = "duplicate"
	}
	for _, r := range rows {
		kinds[uint32(r.UID)] = r.Kind
	}
	return kinds, nil
}
