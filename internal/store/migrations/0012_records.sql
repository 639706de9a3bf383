-- +goose Up

-- Retention and purge (internal/records). A legal hold keeps a case from
-- being purged until it is released; purged_at marks a case whose personal
-- data is gone and which stays only as the de-identified stub the yearly
-- register counts (reference, dates, policy, category, outcome, extensions).
ALTER TABLE cases
    ADD COLUMN hold_reason text NOT NULL DEFAULT '',   -- '' = no hold
    ADD COLUMN hold_at     timestamptz,
    ADD COLUMN purged_at   timestamptz;
CREATE INDEX cases_closed_unpurged ON cases (closed_at) WHERE purged_at IS NULL AND closed_at IS NOT NULL;
CREATE INDEX messages_caseless_date ON messages (internal_date) WHERE case_id IS NULL;

-- +goose Down
DROP INDEX messages_caseless_date;
DROP INDEX cases_closed_unpurged;
ALTER TABLE cases DROP COLUMN purged_at, DROP COLUMN hold_at, DROP COLUMN hold_reason;
