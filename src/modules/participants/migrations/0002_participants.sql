-- The Citizen Lab's members: one row per participant, keyed by the participant id (the id of the
-- citizen's account). Only the 4 digits of the postcode are kept.
CREATE TABLE participants (
  participant_id uuid PRIMARY KEY,
  birth_year smallint NOT NULL CHECK (birth_year BETWEEN 1900 AND 2100),
  birth_month smallint NOT NULL CHECK (birth_month BETWEEN 1 AND 12),
  sex_at_birth text NOT NULL CHECK (sex_at_birth IN ('female', 'male', 'intersex')),
  gender text CHECK (gender IN ('woman', 'man', 'non_binary', 'other', 'prefer_not_to_say')),
  postcode4 char(4) NOT NULL REFERENCES postcode_areas (pc4),
  municipality_code text NOT NULL REFERENCES municipalities (cbs_code),
  education_level text CHECK (education_level IN ('primary', 'lower_secondary', 'upper_secondary',
    'intermediate_vocational', 'higher_professional', 'university')),
  contact_preference text NOT NULL DEFAULT 'email' CHECK (contact_preference IN ('email', 'none')),
  time_zone text NOT NULL DEFAULT 'Europe/Amsterdam',
  joined_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- left the Citizen Lab keeping what was already used (all consent withdrawn)
  left_at timestamptz
);
CREATE INDEX participants_municipality ON participants (municipality_code);

-- People outside the region who asked to hear when the Citizen Lab opens for them.
CREATE TABLE region_wait_list (
  email text PRIMARY KEY,
  postcode4 char(4) NOT NULL CHECK (postcode4 ~ '^[1-9][0-9]{3}$'),
  locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
  created_at timestamptz NOT NULL DEFAULT now()
);
