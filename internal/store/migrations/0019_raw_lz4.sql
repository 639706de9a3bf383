-- +goose Up

-- The raw bytes of every mail in and out are compressed by TOAST when a row
-- passes about 2 KB, that is nearly always. PostgreSQL's own pglz costs
-- several times the CPU of lz4 for text like mail; in a backlog drain
-- (issue 12) that was PostgreSQL's largest cost per mail after the
-- indexes. New values use lz4 where the server was built with it (Debian's
-- and the PGDG packages are); elsewhere pglz stays. Stored values are not
-- rewritten.
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE messages ALTER COLUMN raw SET COMPRESSION lz4;
    ALTER TABLE outbox ALTER COLUMN raw SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 not available: raw mail stays compressed with pglz';
END
$$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE messages ALTER COLUMN raw SET COMPRESSION DEFAULT;
ALTER TABLE outbox ALTER COLUMN raw SET COMPRESSION DEFAULT;
