-- Data access: a study's team asks for a data set (data sets and their variables, a period, a purpose); a data
-- steward approves it (with conditions, where needed) or rejects it. Approved requests are run as extracts:
-- durable jobs that write the files once, then serve them until they expire.
CREATE TABLE data_requests (
  id uuid PRIMARY KEY,
  study_id uuid NOT NULL REFERENCES studies (id),
  requested_by uuid NOT NULL,
  -- [{ "dataset": "cgm", "variables": ["time_utc", "glucose_mmol_l"] }]
  datasets jsonb NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL CHECK (period_to >= period_from),
  purpose text NOT NULL,
  -- the formats to write: csv (always, with codebook, SPSS syntax and an R script), parquet, fhir
  formats jsonb NOT NULL,
  status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected')),
  conditions text,
  decision_note text,
  decided_by uuid,
  decided_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((status = 'submitted') = (decided_at IS NULL))
);
CREATE INDEX data_requests_study ON data_requests (study_id, created_at DESC);
CREATE INDEX data_requests_open ON data_requests (created_at) WHERE status = 'submitted';

CREATE TABLE extracts (
  id uuid PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES data_requests (id),
  study_id uuid NOT NULL REFERENCES studies (id),
  started_by uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
  -- the data sets written so far, of how many
  progress_done integer NOT NULL DEFAULT 0,
  progress_total integer NOT NULL,
  participants integer,
  -- the files, their sizes, rows and SHA-256, as the manifest gives them
  manifest jsonb,
  error text,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  expires_at timestamptz
);
CREATE INDEX extracts_request ON extracts (request_id, created_at DESC);
CREATE INDEX extracts_expiring ON extracts (expires_at) WHERE status = 'ready';
