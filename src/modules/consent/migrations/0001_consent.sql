-- Dynamic consent: a catalogue of purposes, versioned documents, and an append-only log of each
-- participant's decisions, with the current state kept beside it in the same transaction.
CREATE TABLE consent_purposes (
  key text PRIMARY KEY,
  position integer NOT NULL UNIQUE,
  -- Grants of versions below this one have lapsed (a material change let them lapse). Kept with every
  -- publication, so that a consent check needs no look at the documents.
  lapse_below integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consent_documents (
  purpose_key text NOT NULL REFERENCES consent_purposes (key),
  version integer NOT NULL CHECK (version > 0),
  title_nl text NOT NULL,
  title_en text NOT NULL,
  body_nl text NOT NULL,
  body_en text NOT NULL,
  -- A material change asks everyone who consented to an earlier version to consent again; until they
  -- do, their earlier consent 'keeps' (stays valid) or 'lapses' (no longer counts).
  material boolean NOT NULL DEFAULT false,
  earlier_consent text NOT NULL DEFAULT 'keeps' CHECK (earlier_consent IN ('keeps', 'lapses')),
  -- SHA-256 over the UTF-8 of title_nl, body_nl, title_en, body_en joined by newlines (model.ts)
  content_hash text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by uuid,
  PRIMARY KEY (purpose_key, version)
);

CREATE TABLE consent_events (
  participant_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  purpose_key text NOT NULL,
  document_version integer NOT NULL,
  decision text NOT NULL CHECK (decision IN ('granted', 'refused')),
  channel text NOT NULL CHECK (channel IN ('web', 'paper')),
  -- who recorded it: the participant on the web, a staff member for consent on paper
  recorded_by uuid NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (participant_id, id),
  FOREIGN KEY (purpose_key, document_version) REFERENCES consent_documents (purpose_key, version),
  CHECK (channel = 'web' OR (reason IS NOT NULL AND length(reason) > 0))
);

-- The events are history: never rewritten. (Erasure at the participant's request may delete them.)
CREATE FUNCTION consent_events_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_events is append-only: UPDATE is not allowed';
END;
$$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_no_update();

-- The latest decision per participant and purpose: derived from the events, written with each one.
CREATE TABLE consent_state (
  participant_id uuid NOT NULL,
  purpose_key text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('granted', 'refused')),
  document_version integer NOT NULL,
  event_id bigint NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, purpose_key),
  FOREIGN KEY (participant_id, event_id) REFERENCES consent_events (participant_id, id) ON DELETE CASCADE
);
CREATE INDEX consent_state_purpose ON consent_state (purpose_key, participant_id) WHERE decision = 'granted';

INSERT INTO consent_purposes (key, position) VALUES
  ('personal_insights', 1),
  ('research', 2),
  ('study_contact', 3),
  ('coach_sharing', 4),
  ('gp_summary', 5),
  ('product_testing', 6),
  ('registry_linkage', 7);

INSERT INTO consent_documents (purpose_key, version, title_nl, title_en, body_nl, body_en, content_hash)
SELECT key, version, title_nl, title_en, body_nl, body_en,
       encode(sha256(convert_to(title_nl || E'\n' || body_nl || E'\n' || title_en || E'\n' || body_en, 'UTF8')), 'hex')
FROM (VALUES
('personal_insights', 1,
 'Mijn eigen uitslagen',
 'My personal insights',
 'Wij gebruiken de gegevens die u invult en meet om u uw eigen uitslagen te laten zien. Bijvoorbeeld uw risico op diabetes en een overzicht van uw suiker. Alleen u ziet deze uitslagen. Zegt u nee? Dan berekenen wij geen uitslagen voor u. U kunt dit altijd veranderen.',
 'We use the data you enter and measure to show you your own results, such as your risk of diabetes and an overview of your glucose. Only you see these results. If you say no, we do not compute results for you. You can change this at any time.'),
('research', 1,
 'Gezondheidsonderzoek',
 'Health research',
 'Onderzoekers van de partners in het programma mogen uw gegevens gebruiken voor onderzoek naar gezondheid en preventie. Zij zien nooit uw naam, e-mailadres of postcode: alleen een code. Een commissie bekijkt elk verzoek om gegevens. U kunt altijd stoppen. Wat al voor onderzoek is gebruikt, kan niet altijd worden teruggehaald.',
 'Researchers of the programme''s partners may use your data for research into health and prevention. They never see your name, e-mail address or postcode: only a code. A committee reviews every request for data. You can stop at any time. What was already used in research cannot always be taken back.'),
('study_contact', 1,
 'Benaderd worden voor onderzoeken',
 'Being contacted about studies',
 'Wij mogen u een e-mail sturen als u mee kunt doen aan een bepaald onderzoek. De onderzoekers weten niet wie een uitnodiging kreeg. U beslist per onderzoek of u meedoet.',
 'We may send you an e-mail when you can take part in a specific study. The researchers do not know who was invited. You decide for each study whether you take part.'),
('coach_sharing', 1,
 'Delen met mijn leefstijlcoach',
 'Sharing with my lifestyle coach',
 'Uw leefstijlcoach mag uw gegevens en uitslagen zien om u goed te begeleiden. Zegt u later nee, dan ziet uw coach vanaf dat moment niets meer.',
 'Your lifestyle coach may see your data and results to guide you well. If you say no later, your coach sees nothing from that moment on.'),
('gp_summary', 1,
 'Een samenvatting voor mijn huisarts',
 'A summary for my GP',
 'U kunt een samenvatting van uw uitslagen maken om aan uw huisarts te geven. U bepaalt zelf of en wanneer u die samenvatting deelt.',
 'You can make a summary of your results to give to your GP. You decide whether and when you share it.'),
('product_testing', 1,
 'Producten van bedrijven testen',
 'Testing products of companies',
 'Bedrijven in het programma zoeken mensen om hun producten te testen, zoals een app. Wij mogen u daarvoor uitnodigen. Het bedrijf krijgt uw gegevens pas als u zelf ja zegt op een uitnodiging.',
 'Companies in the programme look for people to test their products, such as an app. We may invite you for that. The company gets your details only when you say yes to an invitation yourself.'),
('registry_linkage', 1,
 'Koppelen met registraties',
 'Linking with registries',
 'Onderzoekers mogen uw gegevens koppelen aan gegevens uit officiële registraties, zoals die van het CBS, om beter onderzoek te doen. Dit staat uit, tenzij u ja zegt.',
 'Researchers may link your data with data from official registries, such as those of Statistics Netherlands, for better research. This is off unless you say yes.')
) AS seed (key, version, title_nl, title_en, body_nl, body_en);
