-- +goose Up

-- The person (or department) the complaint is about (Awb 9:11 lid 2: an
-- extension is told to them too). Set by a handler with #beklaagde.
ALTER TABLE cases
    ADD COLUMN respondent_name    text NOT NULL DEFAULT '',
    ADD COLUMN respondent_address text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE cases DROP COLUMN respondent_address, DROP COLUMN respondent_name;
