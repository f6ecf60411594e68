-- Reports and the summary job read a person's CGM readings by the key (participant, code, time). Rows of one
-- person lie scattered over the table when their data arrive a little at a time (Nightscout every few
-- minutes, many people at once), and reading 4,000 readings then touched 4,000 table pages. With the value
-- and the method in the key's index, those reads come from the index alone (an index-only scan once
-- autovacuum has marked the pages all-visible): about a third of the time for a fortnight.
-- Partitions attached later get the same index from the parent.
ALTER TABLE observations DROP CONSTRAINT observations_pkey;
ALTER TABLE observations ADD PRIMARY KEY (participant_id, code, effective_at, source) INCLUDE (value, method);
