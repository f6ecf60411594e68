-- Synthetic populations loaded into this database (src/demo): what was asked for, and which chunks of
-- citizens are stored, so that an interrupted load resumes with the chunks still missing instead of writing
-- anyone twice. One row per run name ('region' for the demo region).
CREATE TABLE demo_runs (
  name text PRIMARY KEY,
  seed text NOT NULL,
  citizens integer NOT NULL CHECK (citizens >= 0),
  cgm_share double precision NOT NULL CHECK (cgm_share BETWEEN 0 AND 1),
  cgm_days integer NOT NULL CHECK (cgm_days BETWEEN 1 AND 90),
  -- "now" of the synthetic population: ages, join dates and the CGM periods count back from it
  reference_time timestamptz NOT NULL,
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- A stored chunk of a run: written in the transaction that stored the chunk's citizens. Chunks are written
-- by several connections at once, so they finish in any order.
CREATE TABLE demo_run_chunks (
  name text NOT NULL REFERENCES demo_runs (name) ON DELETE CASCADE,
  chunk integer NOT NULL CHECK (chunk >= 0),
  PRIMARY KEY (name, chunk)
);
