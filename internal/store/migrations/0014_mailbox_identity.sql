-- +goose Up

-- A mailbox is a server, a user and a folder: two accounts that both watch
-- INBOX on one database must not share a checkpoint or a status row. Rows
-- from before keep server = '' and username = '': the first account that
-- reads that folder's checkpoint takes the row over (store.Checkpoint).
ALTER TABLE mailbox_checkpoints
    ADD COLUMN server   text NOT NULL DEFAULT '',
    ADD COLUMN username text NOT NULL DEFAULT '';
ALTER TABLE mailbox_checkpoints DROP CONSTRAINT mailbox_checkpoints_pkey;
ALTER TABLE mailbox_checkpoints ADD PRIMARY KEY (server, username, mailbox);

ALTER TABLE intake_status
    ADD COLUMN server   text NOT NULL DEFAULT '',
    ADD COLUMN username text NOT NULL DEFAULT '';
ALTER TABLE intake_status DROP CONSTRAINT intake_status_pkey;
ALTER TABLE intake_status ADD PRIMARY KEY (server, username, mailbox);

-- The metrics read the kind of the mail just handled by its place in the
-- mailbox.
CREATE INDEX messages_mailbox_uid ON messages (mailbox, uid_validity, uid);

-- +goose Down
DROP INDEX messages_mailbox_uid;
DELETE FROM intake_status a USING intake_status b
    WHERE a.mailbox = b.mailbox AND (a.server, a.username) > (b.server, b.username);
ALTER TABLE intake_status DROP CONSTRAINT intake_status_pkey;
ALTER TABLE intake_status DROP COLUMN server, DROP COLUMN username;
ALTER TABLE intake_status ADD PRIMARY KEY (mailbox);
DELETE FROM mailbox_checkpoints a USING mailbox_checkpoints b
    WHERE a.mailbox = b.mailbox AND (a.server, a.username) > (b.server, b.username);
ALTER TABLE mailbox_checkpoints DROP CONSTRAINT mailbox_checkpoints_pkey;
ALTER TABLE mailbox_checkpoints DROP COLUMN server, DROP COLUMN username;
ALTER TABLE mailbox_checkpoints ADD PRIMARY KEY (mailbox);
