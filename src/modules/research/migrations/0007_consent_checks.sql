-- E-consent beyond the signature: questions that check the participant understood the consent (each with the
-- right answer among its options; all must be answered right to sign), and a study's choice that a researcher
-- countersigns each signature before the participant is enrolled. Both are part of the protocol, frozen at approval.
ALTER TABLE studies ADD COLUMN consent_questions jsonb NOT NULL DEFAULT '[]';
ALTER TABLE studies ADD COLUMN countersign boolean NOT NULL DEFAULT false;

-- Who of the team countersigned, and when: from then on the participant is enrolled.
ALTER TABLE study_participants ADD COLUMN countersigned_by uuid;
ALTER TABLE study_participants ADD COLUMN countersigned_at timestamptz;
