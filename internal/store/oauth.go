package store

import (
	"context"
	"fmt"
)

// LoadRefreshToken returns the OAuth2 refresh token saved under key and the
// origin it was saved with (oauth.RefreshStore); ok is false when none is.
func (s *Store) LoadRefreshToken(ctx context.Context, key string) (origin, token string, ok bool, err error) {
	var row struct {
		Origin string `db:"origin"`
		Token  string `db:"token"`
	}
	err = s.db.GetContext(ctx, &row, `SELECT origin, token FROM oauth_refresh_tokens WHERE key = $1`, key)
	switch err = notFound(err); err {
	case nil:
		return row.Origin, row.Token, true, nil
	case ErrNotFound:
		return "", "", false, nil
	default:
		return "", "", false, fmt.Errorf("store: load refresh token: %w", err)
	}
}

// SaveRefreshToken replaces the refresh token saved under key.
func (s *Store) SaveRefreshToken(ctx context.Context, key, origin, token string) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO oauth_refresh_tokens (key, origin, token) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET origin = EXCLUDED.origin, token = EXCLUDED.token, updated_at = now()`,
		key, origin, token)
	if err != nil {
		return fmt.Errorf("store: save refresh token: %w", err)
	}
	return nil
}
