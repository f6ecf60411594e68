-- Research derives its eligibility facts from participants: every change is announced (platform/changes).
CREATE TRIGGER participants_inserted AFTER INSERT ON participants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER participants_updated AFTER UPDATE ON participants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER participants_deleted AFTER DELETE ON participants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
