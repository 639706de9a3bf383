-- +goose Up

-- What PostgreSQL spends per mail in a backlog drain (issue 12), measured
-- with pg_stat_statements in the intake benchmark:
--
-- The loop guard counts the automatic mails queued to an address in 24
-- hours through the GIN index outbox_rcpt_auto. With GIN's fast update,
-- every new row waits in the index's pending list until a vacuum, and every
-- look-up scans that whole list: 0.3 ms per address after 3 000 mails, more
-- with every mail, and the largest single cost of a drain. Without it, an
-- insert goes into the index at once (a few microseconds) and a look-up
-- reads a handful of pages.
ALTER INDEX outbox_rcpt_auto SET (fastupdate = off);

-- Every delivery updates its outbox row twice (claimed in flight, then
-- sent) and never changes an indexed column. With half of each new page
-- left free both updates stay on the row's page (HOT: no new entries in the
-- outbox's indexes, the GIN on rcpt among them). BenchmarkDeliver, 5000
-- mails on a durable cluster: HOT updates 47% -> 98%, WAL per mail 4.4 ->
-- 2.4 KB, PostgreSQL CPU per mail 474 -> 400 us. The price is about twice
-- the heap for the outbox (rows of a few KB, removed by the retention
-- purge); pages written before this migration keep their fill.
ALTER TABLE outbox SET (fillfactor = 50);

-- The raw bytes of every mail in and out are compressed by TOAST when a row
-- passes about 2 KB, that is nearly always. PostgreSQL's own pglz costs
-- several times the CPU of lz4 for text like mail. New values use lz4 where
-- the server was built with it (Debian's and the PGDG packages are);
-- elsewhere pglz stays. Stored values are not rewritten.
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
ALTER TABLE outbox RESET (fillfactor);
ALTER INDEX outbox_rcpt_auto SET (fastupdate = on);
