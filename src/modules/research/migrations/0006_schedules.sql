-- Schedules: a study's timepoints (research/schedules.ts), relative to each participant's enrolment or to their
-- completing another timepoint, each open for a window and possibly repeated in bursts. Part of the protocol, so
-- they change only while the study is a draft.
ALTER TABLE studies ADD COLUMN schedule jsonb NOT NULL DEFAULT '{"timepoints": []}';

-- Each participant's tasks: one per timepoint and occurrence, with the window in which it counts. Completion is
-- found in the data (a completed questionnaire, days of sensor data, a measurement) by the sweep; a task of
-- someone who withdraws, or of a study completed, is cancelled.
CREATE TABLE study_tasks (
  participant_id uuid NOT NULL,
  id uuid NOT NULL,
  study_id uuid NOT NULL REFERENCES studies (id),
  timepoint text NOT NULL,
  occurrence integer NOT NULL CHECK (occurrence >= 1),
  opens_at timestamptz NOT NULL,
  closes_at timestamptz NOT NULL CHECK (closes_at > opens_at),
  -- for wear and measurement tasks: the days with enough data in the window so far
  data_days integer NOT NULL DEFAULT 0,
  completed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, id),
  UNIQUE (participant_id, study_id, timepoint, occurrence)
);
CREATE INDEX study_tasks_study ON study_tasks (study_id, timepoint, occurrence);
CREATE INDEX study_tasks_pending ON study_tasks (closes_at) WHERE completed_at IS NULL AND cancelled_at IS NULL;

-- Every notification of a task: when it was mailed (or why not), when its link was opened (only the SHA-256 of
-- the link's token is kept), so that delivery, opening and completion can be followed per notification.
CREATE TABLE study_task_notifications (
  participant_id uuid NOT NULL,
  id uuid NOT NULL,
  task_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('opened', 'reminder')),
  token_sha256 text NOT NULL,
  created_at timestamptz NOT NULL,
  mailed_at timestamptz,
  -- pending from the moment it is recorded until the mail server accepted it, refused it, or there was no address
  delivery text NOT NULL CHECK (delivery IN ('pending', 'sent', 'failed', 'no_email')),
  failure text,
  opened_at timestamptz,
  PRIMARY KEY (participant_id, id),
  UNIQUE (participant_id, task_id, kind),
  FOREIGN KEY (participant_id, task_id) REFERENCES study_tasks (participant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX study_task_notifications_token ON study_task_notifications (token_sha256, participant_id);
