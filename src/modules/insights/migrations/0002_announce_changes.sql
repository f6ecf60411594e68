-- Research derives its eligibility facts from glucose_summaries: every change is announced (platform/changes).
CREATE TRIGGER glucose_summaries_inserted AFTER INSERT ON glucose_summaries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER glucose_summaries_updated AFTER UPDATE ON glucose_summaries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER glucose_summaries_deleted AFTER DELETE ON glucose_summaries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
