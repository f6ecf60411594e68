-- How many a study enrols at most: in all, and/or per stratum (sex, age band or municipality). Part of the
-- protocol, frozen at approval; null: no limit.
ALTER TABLE studies ADD COLUMN enrolment_quota jsonb;
