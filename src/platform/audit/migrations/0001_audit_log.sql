-- Append-only, hash-chained audit log (NEN 7513). Each row's hash covers its content and the previous
-- row's hash, so a changed, removed or inserted row breaks the chain from that point on.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_account_id uuid,
  actor_role text,
  on_behalf_of uuid,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  subject_participant_id uuid,
  purpose text,
  outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
  request_id text,
  client_address text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);

CREATE INDEX audit_log_subject ON audit_log (subject_participant_id, at) WHERE subject_participant_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_account_id, at) WHERE actor_account_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
