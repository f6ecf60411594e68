-- Recruitment: a study's team invites, in batches, members who are eligible and consent to being contacted about
-- studies; the team sees counts only, never who. Each invitation carries a personal link (its token is derived
-- from the platform key; only its SHA-256 is kept, to find the invitation), one reminder, and the answer.
CREATE TABLE invitation_batches (
  id uuid PRIMARY KEY,
  study_id uuid NOT NULL REFERENCES studies (id),
  requested integer NOT NULL CHECK (requested > 0),
  invited integer NOT NULL,
  -- the stratification asked for: by sex, age band or municipality, at most per_stratum invitations in each
  stratify_by text CHECK (stratify_by IN ('sex', 'age_band', 'municipality')),
  per_stratum integer CHECK (per_stratum > 0),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX invitation_batches_study ON invitation_batches (study_id, created_at DESC);

CREATE TABLE study_invitations (
  participant_id uuid NOT NULL,
  study_id uuid NOT NULL REFERENCES studies (id),
  batch_id uuid NOT NULL REFERENCES invitation_batches (id),
  stratum text,
  token_sha256 text NOT NULL,
  invited_at timestamptz NOT NULL,
  mailed_at timestamptz,
  reminded_at timestamptz,
  response text CHECK (response IN ('interested', 'declined')),
  responded_at timestamptz,
  PRIMARY KEY (participant_id, study_id)
);
CREATE UNIQUE INDEX study_invitations_token ON study_invitations (token_sha256, participant_id);
CREATE INDEX study_invitations_batch ON study_invitations (batch_id);
CREATE INDEX study_invitations_unmailed ON study_invitations (batch_id) WHERE mailed_at IS NULL;
