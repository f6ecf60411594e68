-- Personal API tokens: a researcher's key for scripts that read approved research extracts (GET only, on the
-- routes that allow it). Shown once; only the SHA-256 is kept. Each expires, and can be revoked at any time.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id, created_at DESC);
