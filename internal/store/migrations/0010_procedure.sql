-- +goose Up

-- The steps of a case's procedure besides its terms (issue 13): an advisory
-- committee, the hearing and its report or the lawful reason to skip it.
-- One row per case, written by handlers' commands; the audit trail
-- (case_events) keeps the history.
CREATE TABLE case_procedure (
    case_id        bigint PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    committee      text,                  -- #commissie [naam]; NULL = none
    hearing_at     timestamptz,           -- #hoorzitting
    hearing_place  text NOT NULL DEFAULT '',
    hearing_report text,                  -- #verslag
    hearing_waived text,                  -- #geen-hoorzitting <reden>
    updated_at     timestamptz NOT NULL
);
CREATE INDEX case_procedure_hearing ON case_procedure (hearing_at) WHERE hearing_at IS NOT NULL;

-- Improvement measures (ISO 9001 10.2) recorded on a case with #maatregel,
-- and whether they worked (#effectief).
CREATE TABLE measures (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    n           integer NOT NULL,          -- 1, 2, … within the case
    text        text NOT NULL,
    due         date,                      -- "uiterlijk"; the check reminder comes then
    created_at  timestamptz NOT NULL,
    result      text CHECK (result IN ('ja', 'nee', 'deels')),
    result_note text NOT NULL DEFAULT '',
    result_at   timestamptz,
    UNIQUE (case_id, n)
);
CREATE INDEX measures_open ON measures (due) WHERE result IS NULL;

-- +goose Down
DROP TABLE measures;
DROP TABLE case_procedure;
