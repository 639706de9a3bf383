-- +goose Up

-- The caps count an address's and a domain's automatic answers in every
-- intake transaction that may answer (store.CountAutoAnswers): by these
-- indexes, not by a scan of the whole day's answers, so that the count stays
-- cheap while a backlog of thousands of complaints drains.
CREATE INDEX auto_answers_kind_mailbox_at ON auto_answers (kind, mailbox, at);
CREATE INDEX auto_answers_kind_domain_at ON auto_answers (kind, domain, at);

-- +goose Down
DROP INDEX auto_answers_kind_domain_at;
DROP INDEX auto_answers_kind_mailbox_at;
