-- Accounts, sessions, second factors, organisations, memberships and invitations.
CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- stored lower-cased; the unique index makes one account per address
  email text NOT NULL,
  display_name text NOT NULL,
  password_hash text,
  locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
  email_verified_at timestamptz,
  -- AES-256-GCM ciphertexts of the TOTP secret: confirmed, and the one being set up
  totp_secret text,
  totp_pending_secret text,
  totp_enabled_at timestamptz,
  -- the last accepted time step, so that a code cannot be replayed
  totp_last_step bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- set when the person had their data erased: the row stays as a tombstone that cannot sign in
  erased_at timestamptz
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- SHA-256 of the cookie's token: a copy of the table gives no one a usable session
  token_hash text NOT NULL UNIQUE,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  mfa_pending boolean NOT NULL DEFAULT false,
  mfa_verified_at timestamptz,
  user_agent text,
  client_address text,
  ended_at timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE ended_at IS NULL;

-- Single-use, expiring links: e-mail verification, password reset, the first administrator.
CREATE TABLE account_tokens (
  token_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'bootstrap_admin')),
  account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

CREATE TABLE recovery_codes (
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('university', 'university_medical_centre', 'university_of_applied_sciences',
    'vocational_school', 'hospital_or_care', 'sme', 'start_up', 'insurer', 'municipality', 'ggd', 'citizen_community')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));

CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  organisation_id uuid REFERENCES organisations (id),
  role text NOT NULL CHECK (role IN ('citizen', 'coach', 'researcher', 'data_steward', 'innovator',
    'partner_analyst', 'programme_manager', 'administrator')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX memberships_once ON memberships
  (account_id, role, coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid));

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  role text NOT NULL,
  organisation_id uuid REFERENCES organisations (id),
  locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  revoked_at timestamptz
);

-- Failed sign-ins per e-mail address (existing or not), for the temporary lockout.
CREATE TABLE sign_in_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz
);
