-- +goose Up

-- A delivery attempt in flight: set just before the SMTP transaction starts,
-- cleared when its outcome is recorded. A queued row that still has it when
-- the next attempt starts was cut off (the process died, or the database was
-- away when the outcome was to be written); sending_until is when the attempt
-- was due to time out, so that `klachtd status` can show deliveries stuck for
-- longer than that.
ALTER TABLE outbox ADD COLUMN sending_since timestamptz;
ALTER TABLE outbox ADD COLUMN sending_until timestamptz;

-- +goose Down
ALTER TABLE outbox DROP COLUMN sending_until;
ALTER TABLE outbox DROP COLUMN sending_since;
