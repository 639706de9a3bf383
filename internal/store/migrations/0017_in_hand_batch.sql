-- +goose Up

-- A mail marked in hand as part of a batch (several mails in one
-- transaction, one savepoint each): when its holder dies, the death does
-- not point at this mail but at one of the batch, so the next process
-- handles those mails one at a time (parsed normally, marked singly) to
-- find the one that kills it. Only a death with a single mark in hand gets
-- the safe header read.
ALTER TABLE mails_in_hand ADD COLUMN in_batch boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE mails_in_hand DROP COLUMN in_batch;
