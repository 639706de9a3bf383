-- +goose Up

-- Scale of the scheduler sweep and of `cases list` (issue 12, point 4).
--
-- sweep_at is the first day on which the scheduler must look at a case
-- again: the date of its next reminder or escalation point, written by the
-- sweep after it handled the case's points up to today. '-infinity' means
-- "look at it at the next sweep": new cases get it, and the trigger below
-- sets it whenever a column the points are computed from changes (status,
-- due date, extensions, policy, receipt), so an extension, a pause or a
-- reopening is seen at once. 'infinity' means no point is ahead (a paused
-- case) until such a change. The sweep reads only the rows of the partial
-- index cases_sweep up to today, so a minute's sweep that has nothing to
-- send reads nothing.
ALTER TABLE cases ADD COLUMN sweep_at date NOT NULL DEFAULT '-infinity';

-- +goose StatementBegin
CREATE FUNCTION cases_sweep_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sweep_at := '-infinity';
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER cases_sweep_reset BEFORE UPDATE ON cases FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.decision_due IS DISTINCT FROM NEW.decision_due
        OR OLD.extensions IS DISTINCT FROM NEW.extensions OR OLD.policy IS DISTINCT FROM NEW.policy
        OR OLD.received_at IS DISTINCT FROM NEW.received_at)
    EXECUTE FUNCTION cases_sweep_reset();

CREATE INDEX cases_sweep ON cases (sweep_at, id) WHERE status NOT IN ('beantwoord', 'gesloten');

-- What the sweep last computed its dates under (a fingerprint of the
-- policies and the working calendar): a daemon started with other rules
-- sets every open case's sweep_at back to '-infinity' once.
CREATE TABLE schedule_rules (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    fingerprint text NOT NULL
);

-- `cases list` pages in keyset order, most urgent first: open cases by due
-- date, then closed ones; and the same per status and for review.
CREATE INDEX cases_list ON cases ((status = 'gesloten'), decision_due, id);
CREATE INDEX cases_status_list ON cases (status, decision_due, id);
CREATE INDEX cases_review_list ON cases ((status = 'gesloten'), decision_due, id) WHERE needs_review;

-- +goose Down
DROP INDEX cases_review_list;
DROP INDEX cases_status_list;
DROP INDEX cases_list;
DROP TABLE schedule_rules;
DROP INDEX cases_sweep;
DROP TRIGGER cases_sweep_reset ON cases;
DROP FUNCTION cases_sweep_reset();
ALTER TABLE cases DROP COLUMN sweep_at;
