-- Which lifestyle coach coaches which participant: the `caseload` relation of the access policy. A coach sees a
-- participant's data only while the participant is in their caseload AND shares with their coach (consent
-- purpose coach_sharing); ending the coaching keeps the row with its end, for the history.
CREATE TABLE caseloads (
  participant_id uuid NOT NULL,
  coach_id uuid NOT NULL,
  assigned_at timestamptz NOT NULL,
  assigned_by uuid NOT NULL,
  ended_at timestamptz,
  PRIMARY KEY (participant_id, coach_id),
  CHECK (ended_at IS NULL OR ended_at >= assigned_at)
);
CREATE INDEX caseloads_coach ON caseloads (coach_id, participant_id) WHERE ended_at IS NULL;
