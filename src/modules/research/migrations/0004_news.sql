-- Study news and results in plain language, published by a study's team to those who took part, or to the whole
-- panel; shown on the participants' home page and e-mailed to those who want e-mail. A delivery is recorded per
-- participant, so a mailing that stops half-way continues where it stopped and mails no one twice.
CREATE TABLE study_news (
  id uuid PRIMARY KEY,
  study_id uuid NOT NULL REFERENCES studies (id),
  title_nl text NOT NULL,
  title_en text NOT NULL,
  body_nl text NOT NULL,
  body_en text NOT NULL,
  audience text NOT NULL CHECK (audience IN ('participants', 'panel')),
  published_by uuid NOT NULL,
  published_at timestamptz NOT NULL
);
CREATE INDEX study_news_study ON study_news (study_id, published_at DESC);
CREATE INDEX study_news_panel ON study_news (published_at DESC) WHERE audience = 'panel';

CREATE TABLE study_news_mailings (
  participant_id uuid NOT NULL,
  news_id uuid NOT NULL REFERENCES study_news (id) ON DELETE CASCADE,
  -- null: not mailed (the participant wants no e-mail); the row says the mailing has dealt with them
  mailed_at timestamptz,
  PRIMARY KEY (participant_id, news_id)
);
