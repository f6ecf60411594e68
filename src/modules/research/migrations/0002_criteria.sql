-- A study's eligibility criteria, as data (research/criteria.ts): part of the protocol, so they change only
-- while the study is a draft, like its texts.
ALTER TABLE studies ADD COLUMN criteria jsonb NOT NULL DEFAULT '{"all": []}';
