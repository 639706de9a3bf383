-- +goose Up

-- The cap on acknowledgements per hour in all (intake.acks_per_hour) was a
-- count of the hour's auto_answers rows up to the cap: with the cap set high
-- for a backlog (a migration, a viral incident), every intake transaction
-- counted every acknowledgement of the past hour again, so the cost per
-- mail grew with the backlog (10.7 ms per run of 64 after 10 000 mails).
-- The rows are now also counted per kind and minute, by a statement trigger
-- (one upsert per minute and kind per INSERT, under the caps' lock that
-- every writer of auto_answers holds), and the cap sums at most 61 minutes:
-- the window starts at the beginning of the minute an hour ago, so it can
-- count up to a minute more than an hour (it holds back early, never late).
-- Rows two days older than the newest answer are dropped as new ones come
-- in (by the answers' own clock, which tests set).
CREATE TABLE auto_answer_minutes (
    kind   text NOT NULL,
    minute timestamptz NOT NULL,
    n      integer NOT NULL,
    PRIMARY KEY (kind, minute)
);

INSERT INTO auto_answer_minutes (kind, minute, n)
    SELECT kind, date_trunc('minute', at), count(*) FROM auto_answers
    WHERE at >= now() - interval '2 days' GROUP BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION auto_answer_minutes_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO auto_answer_minutes (kind, minute, n)
        SELECT kind, date_trunc('minute', at), count(*) FROM new_rows GROUP BY 1, 2
    ON CONFLICT (kind, minute) DO UPDATE SET n = auto_answer_minutes.n + EXCLUDED.n;
    DELETE FROM auto_answer_minutes
        WHERE kind IN (SELECT DISTINCT kind FROM new_rows)
          AND minute < (SELECT max(at) FROM new_rows) - interval '2 days';
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER auto_answers_minutes AFTER INSERT ON auto_answers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION auto_answer_minutes_count();

-- +goose Down
DROP TRIGGER auto_answers_minutes ON auto_answers;
DROP FUNCTION auto_answer_minutes_count();
DROP TABLE auto_answer_minutes;
