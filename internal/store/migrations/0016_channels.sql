-- +goose Up

-- How a complaint reached us and what the complainant wants (issue 14):
-- one row per case that has any of it. A case without a row came in by
-- e-mail. registrar is who registered a complaint on someone's behalf
-- (#namens); ack_by_post says the acknowledgement must go by post because
-- the complainant gave no e-mail address.
CREATE TABLE case_channels (
    case_id         bigint PRIMARY KEY REFERENCES cases (id),
    channel         text NOT NULL DEFAULT 'email'
        CHECK (channel IN ('email', 'telefoon', 'balie', 'brief', 'formulier', 'sociale-media')),
    desired_outcome text NOT NULL DEFAULT '',
    incident_date   text NOT NULL DEFAULT '',
    department      text NOT NULL DEFAULT '',
    registrar       text NOT NULL DEFAULT '',
    phone           text NOT NULL DEFAULT '',
    postal_address  text NOT NULL DEFAULT '',
    ack_by_post     boolean NOT NULL DEFAULT false
);

-- The key that signs the complaint form's CSRF tokens (internal/web),
-- made on first use and shared by every instance on this database, so a
-- form loaded from one instance may be sent to another.
CREATE TABLE form_key (
    id  int PRIMARY KEY CHECK (id = 1),
    key bytea NOT NULL
);

-- +goose Down
DROP TABLE form_key;
DROP TABLE case_channels;
