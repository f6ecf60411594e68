-- Research derives its eligibility facts from consent_state: every change is announced (platform/changes).
CREATE TRIGGER consent_state_inserted AFTER INSERT ON consent_state
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER consent_state_updated AFTER UPDATE ON consent_state
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER consent_state_deleted AFTER DELETE ON consent_state
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
