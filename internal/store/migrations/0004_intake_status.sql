-- +goose Up

-- The last look at each mailbox, so that a stalled intake (a dead connection,
-- an expired password) shows in `klachtd status` and the digest instead of
-- going unnoticed for days.
CREATE TABLE intake_status (
    mailbox       text PRIMARY KEY,
    last_ok_at    timestamptz,
    last_error    text NOT NULL DEFAULT '',
    last_error_at timestamptz
);

-- +goose Down
DROP TABLE intake_status;
