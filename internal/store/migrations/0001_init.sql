-- +goose Up

-- Where intake stopped in each IMAP mailbox. Written in the same transaction as
-- the message it covers, so a crash can only make us see a mail again.
CREATE TABLE mailbox_checkpoints (
    mailbox      text PRIMARY KEY,
    uid_validity bigint NOT NULL,
    last_uid     bigint NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One counter per year for references KL-YYYY-NNNNNN.
CREATE TABLE case_counters (
    year        integer PRIMARY KEY,
    last_number integer NOT NULL
);

CREATE TABLE cases (
    id                  bigserial PRIMARY KEY,
    ref                 text NOT NULL UNIQUE,
    status              text NOT NULL DEFAULT 'ontvangen'
                        CHECK (status IN ('ontvangen', 'in_behandeling', 'beantwoord', 'wacht_op_klager', 'gesloten')),
    outcome             text CHECK (outcome IN ('gegrond', 'ongegrond', 'deels_gegrond', 'ingetrokken', 'informeel_opgelost')),
    category            text NOT NULL DEFAULT '',
    handler_address     text NOT NULL DEFAULT '',
    complainant_name    text NOT NULL DEFAULT '',
    complainant_address text NOT NULL DEFAULT '',   -- '' = no reply address found
    subject             text NOT NULL DEFAULT '',
    language            text NOT NULL DEFAULT 'nl',
    received_at         timestamptz NOT NULL,        -- delivery time (IMAP INTERNALDATE)
    policy              text NOT NULL,
    ack_due             date NOT NULL,
    decision_due        date NOT NULL,
    extensions          integer NOT NULL DEFAULT 0,
    needs_review        boolean NOT NULL DEFAULT false,
    ack_bounced         boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    closed_at           timestamptz
);
CREATE INDEX cases_open_due ON cases (decision_due) WHERE status <> 'gesloten';

-- Every mail that came in, raw bytes kept. Dedupe on Message-ID, and on the
-- sha256 of the raw bytes for mails without one.
CREATE TABLE messages (
    id            bigserial PRIMARY KEY,
    case_id       bigint REFERENCES cases (id),
    message_id    text,                 -- without <>; NULL when the mail had none
    sha256        text NOT NULL,
    raw           bytea NOT NULL,
    size          integer NOT NULL,
    kind          text NOT NULL,        -- complaint, reply, handler_reply, auto_reply, bounce, list, spam, loop
    from_address  text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    internal_date timestamptz NOT NULL, -- delivery time
    mailbox       text NOT NULL DEFAULT '',
    uid_validity  bigint,
    uid           bigint,
    quarantined   boolean NOT NULL DEFAULT false,
    reasons       text[] NOT NULL DEFAULT '{}',
    warnings      text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_sha256_without_id ON messages (sha256) WHERE message_id IS NULL;
CREATE INDEX messages_case ON messages (case_id);

-- Every mail klachtd sends, rendered in full in the transaction that causes it.
-- dedupe_key makes "exactly one" a constraint: ack:<case>, reminder:<case>:<point>, ...
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    case_id     bigint REFERENCES cases (id),
    kind        text NOT NULL,
    dedupe_key  text UNIQUE,
    message_id  text NOT NULL UNIQUE,
    mail_from   text NOT NULL,
    rcpt        text[] NOT NULL,
    subject     text NOT NULL DEFAULT '',
    raw         bytea NOT NULL,
    automatic   boolean NOT NULL,       -- counts against the per-sender cap of automatic mails
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    sent_at     timestamptz
);
CREATE INDEX outbox_case ON outbox (case_id);
CREATE INDEX outbox_rcpt_auto ON outbox USING gin (rcpt) WHERE automatic;

-- The audit trail: append only.
CREATE TABLE case_events (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    at          timestamptz NOT NULL,
    actor       text NOT NULL,          -- "klachtd", a handler's address, the complainant's address
    kind        text NOT NULL,
    message     bigint REFERENCES messages (id),
    outbox      bigint REFERENCES outbox (id),
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- +goose StatementBegin
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- +goose Down
DROP TABLE case_events;
DROP FUNCTION case_events_append_only;
DROP TABLE outbox;
DROP TABLE messages;
DROP TABLE cases;
DROP TABLE case_counters;
DROP TABLE mailbox_checkpoints;
