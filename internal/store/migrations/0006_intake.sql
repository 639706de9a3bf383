-- +goose Up

-- A duplicate is the same Message-ID AND the same content. content_sha256 is
-- the hash of the author's header fields and the body, without the fields
-- each hop adds (internal/cases, dedupe.go): the same mail delivered twice,
-- by any path, has the same content hash; a different mail that reuses a
-- Message-ID has another and is stored as its own message. Rows stored
-- before this migration have no content hash (NULL) and keep deduplicating
-- on the Message-ID alone.
ALTER TABLE messages ADD COLUMN content_sha256 text;
DROP INDEX messages_message_id;
CREATE UNIQUE INDEX messages_message_id_content ON messages (message_id, content_sha256)
    WHERE message_id IS NOT NULL AND content_sha256 IS NOT NULL;
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
-- Without a Message-ID: the raw-bytes hash (kept) and the content hash.
CREATE UNIQUE INDEX messages_content_without_id ON messages (content_sha256)
    WHERE message_id IS NULL AND content_sha256 IS NOT NULL;

-- Mails in hand: written and committed before a mail is parsed, deleted in
-- the transaction that stores it. A row that is still there when the mail is
-- handed over again means the process died on it (panic, out of memory,
-- SIGKILL): the mail then takes the safe path instead of being parsed the
-- same way again. holder is a random token per process.
CREATE TABLE mails_in_hand (
    mailbox      text NOT NULL,
    uid_validity bigint NOT NULL,
    uid          bigint NOT NULL,
    attempts     integer NOT NULL DEFAULT 1,
    holder       text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (mailbox, uid_validity, uid)
);

-- +goose Down
DROP TABLE mails_in_hand;
DROP INDEX messages_content_without_id;
DROP INDEX messages_message_id;
DROP INDEX messages_message_id_content;
CREATE UNIQUE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
ALTER TABLE messages DROP COLUMN content_sha256;
