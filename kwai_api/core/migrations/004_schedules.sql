-- Schedules in bulk: a training remembers why it was cancelled and whether it was edited on
-- its own (a changed definition then leaves it alone); a definition names its coaches.

-- DuckDB alters no table that an index depends on: the index is made again afterwards.
DROP INDEX trainings_start_idx;
ALTER TABLE trainings ADD COLUMN cancel_reason VARCHAR;
ALTER TABLE trainings ADD COLUMN edited_by_hand BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX trainings_start_idx ON trainings (start_date);

CREATE TABLE training_definition_coaches (
    definition_id INTEGER NOT NULL,
    coach_id INTEGER NOT NULL,
    head BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (definition_id, coach_id)
);
