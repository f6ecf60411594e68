-- Research derives its eligibility facts from consent_state: every change is announced (platform/changes).
SELECT announce_participant_changes('consent_state');
