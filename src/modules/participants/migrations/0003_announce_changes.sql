-- Research derives its eligibility facts from participants: every change is announced (platform/changes).
SELECT announce_participant_changes('participants');
