-- Research derives its eligibility facts from questionnaire_scores: every change is announced (platform/changes).
SELECT announce_participant_changes('questionnaire_scores');
