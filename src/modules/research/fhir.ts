import type { Bundle, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import type { Study, StudyStatus, SubjectStatus } from './model.ts';
import type { StudySubject } from './service.ts';

/** Where the platform names its studies and the pseudonyms of those taking part, for FHIR identifiers. */
const STUDY_SYSTEM = 'https://topfit.nl/fhir/NamingSystem/study';
const PSEUDONYM_SYSTEM = 'https://topfit.nl/fhir/NamingSystem/study-pseudonym';
const ETHICS_SYSTEM = 'https://topfit.nl/fhir/NamingSystem/ethics-decision';
const TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';

/**
 * Our lifecycle in FHIR R4's ResearchStudy.status: a draft waits for its review and approval ("in-review"),
 * recruiting is "active", closed stops accrual while the study goes on.
 */
const STUDY_STATUS: Record<StudyStatus, ResearchStudy['status']> = {
  draft: 'in-review',
  approved: 'approved',
  recruiting: 'active',
  closed: 'closed-to-accrual',
  completed: 'completed',
};

/** Our participant statuses in FHIR R4's ResearchSubject.status: enrolled is on-study, completed off-study. */
const SUBJECT_STATUS: Record<SubjectStatus, ResearchSubject['status']> = {
  candidate: 'candidate',
  eligible: 'eligible',
  enrolled: 'on-study',
  completed: 'off-study',
  withdrawn: 'withdrawn',
};

/** A Dutch string with its English translation, as the FHIR translation extension carries it. */
const bilingual = (text: { nl: string; en: string }) => ({
  extension: [
    {
      url: TRANSLATION,
      extension: [
        { url: 'lang', valueCode: 'en' },
        { url: 'content', valueString: text.en },
      ],
    },
  ],
});

/** A study as a FHIR R4 ResearchStudy: Dutch text with English translations, the ethics decision as identifier. */
export function toResearchStudy(study: Study): ResearchStudy {
  return {
    resourceType: 'ResearchStudy',
    id: study.id,
    language: 'nl',
    identifier: [
      { system: STUDY_SYSTEM, value: study.id },
      ...(study.ethics
        ? [
            {
              system: ETHICS_SYSTEM,
              value: study.ethics.reference,
              assigner: { display: study.ethics.committee },
              period: { start: study.ethics.decidedOn },
            },
          ]
        : []),
    ],
    title: study.title.nl,
    _title: bilingual(study.title),
    status: STUDY_STATUS[study.status],
    description: study.summary.nl,
    _description: bilingual(study.summary),
    ...(study.approvedAt ? { period: { start: study.approvedAt.toISOString() } } : {}),
  } as ResearchStudy;
}

/** Those taking part, by pseudonym only, as FHIR R4 ResearchSubjects of the study in a searchset Bundle. */
export function toResearchSubjects(studyId: string, subjects: StudySubject[]): Bundle<ResearchSubject> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: subjects.length,
    entry: subjects.map((subject) => ({
      resource: {
        resourceType: 'ResearchSubject',
        id: `${studyId}-${subject.pseudonym}`,
        identifier: [{ system: PSEUDONYM_SYSTEM, value: subject.pseudonym }],
        status: SUBJECT_STATUS[subject.status],
        period: { start: subject.since.toISOString() },
        study: { reference: `ResearchStudy/${studyId}` },
        individual: { identifier: { system: PSEUDONYM_SYSTEM, value: subject.pseudonym } },
      },
    })),
  };
}
