-- Synthetic populations loaded into this database (src/demo): what was asked for, and how far the load has
-- come, so that an interrupted load resumes at its next chunk instead of writing anyone twice. One row per
-- run name ('region' for the demo region).
CREATE TABLE demo_runs (
  name text PRIMARY KEY,
  seed text NOT NULL,
  citizens integer NOT NULL CHECK (citizens >= 0),
  cgm_share double precision NOT NULL CHECK (cgm_share BETWEEN 0 AND 1),
  cgm_days integer NOT NULL CHECK (cgm_days BETWEEN 1 AND 90),
  -- "now" of the synthetic population: ages, join dates and the CGM periods count back from it
  reference_time timestamptz NOT NULL,
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  -- chunks 0 … chunks_done - 1 are stored, each in the transaction that raised this number
  chunks_done integer NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
