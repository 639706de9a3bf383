package store

import (
	"context"
	"fmt"
	"hash/fnv"
)

// TryLock takes a session-level advisory lock named by key (a folder of the
// Store's Account) on a connection of its own, so that only one instance polls a mailbox at a time. The lock is held
// until release is called or the connection dies (then PostgreSQL frees it).
func (s *Store) TryLock(ctx context.Context, key string) (release func(), ok bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("store: lock %s: %w", key, err)
	}
	h := fnv.New64a()
	h.Write([]byte("klachtd:" + s.acct.lockKey(key)))
	id := int64(h.Sum64())
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, id).Scan(&ok); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("store: lock %s: %w", key, err)
	}
	if !ok {
		conn.Close()
		return nil, false, nil
	}
	return func() {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, id)
		conn.Close()
	}, true, nil
}
