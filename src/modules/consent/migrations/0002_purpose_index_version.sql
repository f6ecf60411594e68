-- Research counts ask for everyone whose consent to a purpose counts now: granted, on a version that has not
-- lapsed. With the document version in the index, that set comes from the index alone (an index-only scan once
-- autovacuum has marked the pages all-visible) instead of a bitmap scan of the table: on the million-citizen
-- region, 800,000 rows per purpose.
DROP INDEX consent_state_purpose;
CREATE INDEX consent_state_purpose ON consent_state (purpose_key, participant_id) INCLUDE (document_version)
  WHERE decision = 'granted';
