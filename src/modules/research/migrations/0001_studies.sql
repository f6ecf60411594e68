-- Studies on the panel (FHIR ResearchStudy), their teams, their e-consent documents, and who takes part
-- (FHIR ResearchSubject). A study recruits only after its ethics decision is recorded and a data steward has
-- approved it; its consent document is frozen (version and SHA-256) from approval on.
CREATE TABLE studies (
  id uuid PRIMARY KEY,
  title_nl text NOT NULL,
  title_en text NOT NULL,
  summary_nl text NOT NULL,
  summary_en text NOT NULL,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'approved', 'recruiting', 'closed', 'completed')),
  ethics_committee text,
  ethics_reference text,
  ethics_decided_on date,
  ethics_document_sha256 text CHECK (ethics_document_sha256 ~ '^[0-9a-f]{64}$'),
  consent_version integer NOT NULL DEFAULT 1 CHECK (consent_version >= 1),
  consent_nl text NOT NULL,
  consent_en text NOT NULL,
  consent_sha256 text NOT NULL CHECK (consent_sha256 ~ '^[0-9a-f]{64}$'),
  -- The study's pseudonym key (HMAC-SHA-256), sealed with the platform key; the version is part of each pseudonym.
  pseudonym_key_sealed text NOT NULL,
  pseudonym_key_version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  approved_by uuid,
  approved_at timestamptz
);

CREATE TABLE study_team (
  study_id uuid NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  account_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('principal_investigator', 'researcher')),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (study_id, account_id)
);
CREATE INDEX study_team_account ON study_team (account_id);

-- One row per participant and study: the current status and the signature of the e-consent (the authenticated
-- act of the signed-in participant, its time and the SHA-256 of the document version signed).
CREATE TABLE study_participants (
  participant_id uuid NOT NULL,
  study_id uuid NOT NULL REFERENCES studies (id),
  status text NOT NULL CHECK (status IN ('candidate', 'eligible', 'enrolled', 'completed', 'withdrawn')),
  consent_version integer,
  consent_sha256 text,
  signed_at timestamptz,
  withdrawn_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, study_id),
  CHECK (status NOT IN ('enrolled', 'completed') OR signed_at IS NOT NULL)
);
CREATE INDEX study_participants_study ON study_participants (study_id, status);
