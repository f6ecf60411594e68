-- The participant's glucose summaries: the consensus metrics of the 14 and the 90 local days ending with the
-- day of their latest CGM reading, recomputed after every import while they allow personal insights. One row
-- per participant and period length: a recomputation replaces it.
CREATE TABLE glucose_summaries (
  participant_id uuid NOT NULL,
  days integer NOT NULL CHECK (days IN (14, 90)),
  -- new with every recomputation: the FHIR Observations of a summary take their ids from it
  id uuid NOT NULL,
  -- from the local midnight that begins the first day to the latest reading
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL CHECK (period_end >= period_start),
  -- the participant's zone the local days were counted in
  time_zone text NOT NULL,
  -- GlucoseMetrics of src/science/glucose, times as ISO 8601
  metrics jsonb NOT NULL,
  model text NOT NULL,
  model_version text NOT NULL,
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, days),
  UNIQUE (participant_id, id)
);
