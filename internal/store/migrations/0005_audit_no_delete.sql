-- +goose Up

-- The audit trail is append-only against DELETE and TRUNCATE too, not only
-- against UPDATE (0001): a row trigger refuses DELETE, a statement trigger
-- refuses TRUNCATE (which row triggers do not see).
--
-- The one way out is the audited purge (retention, erasure on request),
-- and only internal/records may take it. Its transaction first runs
--     SELECT set_config('klachtd.purge', pg_current_xact_id()::text, true)
-- (SET LOCAL to the transaction's own id), records what it purges and why,
-- then deletes. The guard lets a DELETE through only when klachtd.purge
-- names the running transaction, so a session-wide SET, or a value left on
-- a pooled connection, opens nothing for anyone else. TRUNCATE is never
-- allowed. No other code sets klachtd.purge; test helpers drop databases
-- instead of emptying tables.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP
        USING HINT = 'the audit trail changes only through klachtd''s audited purge';
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION case_events_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('klachtd.purge', true) = pg_current_xact_id()::text THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'case_events is append-only: DELETE is not allowed'
        USING HINT = 'the audit trail changes only through klachtd''s audited purge';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_guard_delete();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- +goose Down
DROP TRIGGER case_events_no_truncate ON case_events;
DROP TRIGGER case_events_no_delete ON case_events;
DROP FUNCTION case_events_guard_delete;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END;
$$;
-- +goose StatementEnd
