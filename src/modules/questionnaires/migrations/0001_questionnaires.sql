-- FHIR Questionnaires (each version a row, the same for everyone), the participants' responses, the scores
-- computed from them, and the reminders sent when a questionnaire is due again.
CREATE TABLE questionnaires (
  id uuid PRIMARY KEY,
  -- the canonical url names the instrument across its versions
  url text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  status text NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
  name text,
  title_nl text NOT NULL,
  title_en text NOT NULL,
  -- which science model scores a completed response (findrisc, ada, who5), from the scoring-model extension
  scoring text,
  -- ask again this many months after the last completed response (null: once)
  repeat_months integer CHECK (repeat_months BETWEEN 1 AND 120),
  source text NOT NULL CHECK (source IN ('library', 'json', 'redcap')),
  resource jsonb NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  retired_at timestamptz,
  UNIQUE (url, version)
);
-- One version of an instrument is in use at a time.
CREATE UNIQUE INDEX questionnaires_one_active ON questionnaires (url) WHERE status = 'active';

CREATE TABLE questionnaire_responses (
  participant_id uuid NOT NULL,
  id uuid NOT NULL,
  -- the version answered: responses keep it when a newer version becomes active
  questionnaire_id uuid NOT NULL REFERENCES questionnaires (id),
  questionnaire_url text NOT NULL,
  status text NOT NULL CHECK (status IN ('in-progress', 'completed')),
  -- QuestionnaireResponse.item
  items jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  authored_at timestamptz,
  PRIMARY KEY (participant_id, id),
  CHECK ((status = 'completed') = (authored_at IS NOT NULL))
);
-- A participant has at most one draft per instrument: saving again continues it.
CREATE UNIQUE INDEX questionnaire_responses_one_draft
  ON questionnaire_responses (participant_id, questionnaire_url) WHERE status = 'in-progress';
CREATE INDEX questionnaire_responses_latest
  ON questionnaire_responses (participant_id, questionnaire_url, authored_at DESC) WHERE status = 'completed';
CREATE INDEX questionnaire_responses_by_questionnaire ON questionnaire_responses (questionnaire_id);

CREATE TABLE questionnaire_scores (
  participant_id uuid NOT NULL,
  id uuid NOT NULL,
  response_id uuid NOT NULL,
  model text NOT NULL,
  model_version text NOT NULL,
  score double precision NOT NULL,
  category text NOT NULL,
  -- the model's probability of the outcome, where it gives one (FINDRISC: 10-year risk)
  probability double precision CHECK (probability BETWEEN 0 AND 1),
  -- the model's input and full result (points per factor …), so the report and the what-if need no re-reading
  input jsonb NOT NULL,
  result jsonb NOT NULL,
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, id),
  UNIQUE (participant_id, response_id, model),
  FOREIGN KEY (participant_id, response_id) REFERENCES questionnaire_responses (participant_id, id) ON DELETE CASCADE
);
CREATE INDEX questionnaire_scores_history ON questionnaire_scores (participant_id, model, computed_at DESC);

-- A reminder per participant, instrument and due date, so that a sweep never mails twice.
CREATE TABLE questionnaire_reminders (
  participant_id uuid NOT NULL,
  questionnaire_url text NOT NULL,
  due_on date NOT NULL,
  -- null when the participant asked not to be mailed: the questionnaire shows as due in the app only
  mailed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (participant_id, questionnaire_url, due_on)
);
