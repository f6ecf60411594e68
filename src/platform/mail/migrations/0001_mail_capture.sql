-- Mail caught by the local capture SMTP server, which runs when no SMTP_URL is configured (development,
-- tests, offline demos). Operational, not participant-scoped: it is never distributed, and it holds the
-- raw MIME exactly as a mail server would have received it, so tests read real messages.
CREATE TABLE mail_capture (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Orders messages captured within the same millisecond; received_at alone can tie.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- The SMTP envelope, in lower case; '' for the null sender.
  envelope_from text NOT NULL,
  envelope_to text[] NOT NULL,
  subject text NOT NULL DEFAULT '',
  raw text NOT NULL
);

-- The outbox page lists the newest first.
CREATE INDEX mail_capture_newest ON mail_capture (received_at DESC, seq DESC);
-- waitFor looks a recipient up with envelope_to @> ARRAY[address].
CREATE INDEX mail_capture_recipients ON mail_capture USING gin (envelope_to);
