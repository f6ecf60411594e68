-- Research derives its eligibility facts from glucose_summaries: every change is announced (platform/changes).
SELECT announce_participant_changes('glucose_summaries');
