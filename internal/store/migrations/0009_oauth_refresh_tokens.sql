-- +goose Up

-- Refresh tokens that an OAuth2 provider rotated (grant refresh_token): the
-- configured token is used up after its first use, so the newest must survive
-- a restart. One row per chain (token URL and client ID); origin is a SHA-256
-- of the configured refresh token the chain began with, so that a new token in
-- the config starts a new chain. The token is a secret: it is never logged,
-- and `klachtd status` does not show it.
CREATE TABLE oauth_refresh_tokens (
    key        text PRIMARY KEY,
    origin     text NOT NULL,
    token      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE oauth_refresh_tokens;
