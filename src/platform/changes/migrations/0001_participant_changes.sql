-- Whose data changed. A module whose tables hold data that another module derives from announces every insert,
-- update and delete here with the trigger function below (one trigger per event: PostgreSQL allows transition
-- tables only on single-event triggers; `announce_participant_changes` creates them). The deriving module takes the rows (deletes them) in the transaction
-- that recomputes those participants, so a change committed after it stays queued for the next time.
-- Today one module derives: research, its eligibility facts.
CREATE TABLE participant_changes (
  -- the nil UUID: one statement changed more than 1,000 rows (a bulk load), and everyone is to be recomputed
  participant_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (participant_id, id)
);

-- A statement-level trigger: a load of a million rows by COPY adds a few rows here, not a million.
CREATE FUNCTION note_participant_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO participant_changes (participant_id)
    SELECT DISTINCT CASE WHEN r.total > 1000 THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE r.participant_id END
    FROM (SELECT participant_id, count(*) OVER () AS total FROM old_rows) r;
  ELSE
    INSERT INTO participant_changes (participant_id)
    SELECT DISTINCT CASE WHEN r.total > 1000 THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE r.participant_id END
    FROM (SELECT participant_id, count(*) OVER () AS total FROM new_rows) r;
  END IF;
  RETURN NULL;
END;
$$;

-- How a module announces its table (which has a participant_id column): `SELECT announce_participant_changes(
-- 'its_table')` in its migration, which creates the three triggers, named after the table.
CREATE FUNCTION announce_participant_changes(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes()', target::text || '_inserted', target);
  EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes()', target::text || '_updated', target);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes()', target::text || '_deleted', target);
END;
$$;
