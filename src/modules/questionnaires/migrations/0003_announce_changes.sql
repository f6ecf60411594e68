-- Research derives its eligibility facts from questionnaire_scores: every change is announced (platform/changes).
CREATE TRIGGER questionnaire_scores_inserted AFTER INSERT ON questionnaire_scores
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER questionnaire_scores_updated AFTER UPDATE ON questionnaire_scores
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
CREATE TRIGGER questionnaire_scores_deleted AFTER DELETE ON questionnaire_scores
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_participant_changes();
