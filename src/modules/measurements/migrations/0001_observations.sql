-- One row per observation (a glucose reading, a step count, a weight), in the canonical unit of its LOINC code,
-- keyed by its natural key: the same reading imported twice, or found in two overlapping exports, is one row.
--
-- Partitioned by month of the observation's time (ARCHITECTURE.md §5: a region holds 10^9 readings). The
-- importer attaches the months it needs before it inserts (store.ts); there is no default partition, because
-- attaching a month would then have to scan it. The key leads with participant_id, so Citus can distribute
-- the table by participant and every query of one person's data is an index range scan in each month.
CREATE TABLE observations (
  participant_id uuid NOT NULL,
  code text NOT NULL,
  effective_at timestamptz NOT NULL,
  -- the device (libre:<serial>, dexcom:<id>, apple-health:<source> …): part of the natural key
  source text NOT NULL,
  -- the end of an interval (steps); null for a point in time
  effective_end timestamptz,
  -- the offset from UTC the time had where it was measured, and the zone that offset was resolved in when the
  -- file wrote a local time without one (null: the file gave the offset)
  utc_offset_minutes smallint NOT NULL CHECK (utc_offset_minutes BETWEEN -900 AND 900),
  time_zone text,
  value double precision NOT NULL,
  unit text NOT NULL,
  -- as the file wrote it: '97' mg/dL, 'Low', '5.4' mmol/L
  original_value text NOT NULL,
  original_unit text NOT NULL,
  method text NOT NULL CHECK (method IN ('continuous', 'scan', 'manual')),
  flag text CHECK (flag IN ('below_range', 'above_range')),
  import_id uuid NOT NULL,
  PRIMARY KEY (participant_id, code, effective_at, source),
  CHECK (effective_end IS NULL OR effective_end >= effective_at)
) PARTITION BY RANGE (effective_at);

-- Every file or batch imported, with the summary its importer reported. A failed import stores no
-- observation; its attempt is kept here with the reason.
CREATE TABLE observation_imports (
  participant_id uuid NOT NULL,
  id uuid NOT NULL,
  format text NOT NULL,
  file_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('done', 'failed')),
  rows_read integer NOT NULL,
  imported integer NOT NULL,
  duplicates integer NOT NULL,
  ignored integer NOT NULL,
  rejected integer NOT NULL,
  -- the first rejections: [{ line, reason }]
  rejections jsonb NOT NULL,
  -- per code: [{ code, count }] of the observations read
  codes jsonb NOT NULL,
  first_time timestamptz,
  last_time timestamptz,
  error text,
  created_by uuid NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, id)
);
CREATE INDEX observation_imports_latest ON observation_imports (participant_id, started_at DESC);
