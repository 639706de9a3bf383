-- +goose Up

-- Threading and addressing of incoming mail, so that an answer can be threaded
-- on the complainant's own conversation and a handler reply can tell whether
-- the complainant was addressed directly.
ALTER TABLE messages
    ADD COLUMN in_reply_to text NOT NULL DEFAULT '',
    ADD COLUMN refs        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN recipients  text[] NOT NULL DEFAULT '{}';  -- To and Cc, lower case

ALTER TABLE cases
    ADD COLUMN paused_at timestamptz,               -- wacht_op_klager since (pausable policies only)
    ADD COLUMN consented_delays integer NOT NULL DEFAULT 0;  -- delays beyond the extension, with consent

-- +goose Down
ALTER TABLE cases DROP COLUMN consented_delays, DROP COLUMN paused_at;
ALTER TABLE messages DROP COLUMN recipients, DROP COLUMN refs, DROP COLUMN in_reply_to;
