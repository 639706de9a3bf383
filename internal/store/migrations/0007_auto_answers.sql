-- +goose Up

-- The automatic mails klachtd sent to an address it took from an incoming
-- mail (acknowledgements, and notices to a handler whose mail was not acted
-- on), for the caps that keep klachtd from being used as an amplifier
-- (config intake.acks_* and intake.notices_per_handler_per_day). mailbox is
-- the recipient in lower case without its +tag; domain is its domain.
CREATE TABLE auto_answers (
    outbox_id bigint PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    kind      text NOT NULL CHECK (kind IN ('ack', 'notice')),
    mailbox   text NOT NULL,
    domain    text NOT NULL,
    at        timestamptz NOT NULL
);
CREATE INDEX auto_answers_kind_at ON auto_answers (kind, at);

-- +goose Down
DROP TABLE auto_answers;
