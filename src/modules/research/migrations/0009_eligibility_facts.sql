-- Each member's facts that eligibility criteria select on, derived from the participants, consent, questionnaires
-- and insights modules' tables through their own SQL. Before every count the facts of those participants whose
-- data those tables announced as changed (participant_changes) are recomputed, so a count is exact as of its
-- start; then one scan of this table counts the panel, where joining the modules' tables took 1.8 s on a million
-- members (bench/RESULTS.md).
CREATE TABLE eligibility_facts (
  participant_id uuid PRIMARY KEY,
  -- birth year × 12 + birth month: ages and age bands are computed from it at the time of the count
  born_month integer NOT NULL,
  -- the document version of a granted consent (null when not granted); whether it lapsed is decided at the count
  research_consent_version integer,
  contact_consent_version integer,
  -- of the latest 14-day glucose summary
  cgm_wear_days double precision,
  cgm_mean_mmol double precision,
  -- FINDRISC as questionnaires' scoreReach gives it: the latest score (whole points) and when it was computed;
  -- only when an earlier score was higher, at index x + 1 the latest time a score of at least x was computed
  findrisc_latest_at timestamptz,
  findrisc_latest smallint,
  sex_at_birth text NOT NULL,
  municipality_code text NOT NULL,
  education_level text,
  findrisc_reach timestamptz[]
);

-- Everyone's facts are computed by the first count (or refresh) after this migration.
INSERT INTO participant_changes (participant_id) VALUES ('00000000-0000-0000-0000-000000000000');
