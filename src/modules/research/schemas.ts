import { z } from 'zod';
import { criteria, criterion } from './criteria.ts';
import { DATASET_KEYS } from './datasets.ts';
import {
  EXTRACT_FORMATS,
  EXTRACT_STATUSES,
  INVITATION_RESPONSES,
  NEWS_AUDIENCES,
  REQUEST_STATUSES,
  STRATIFICATIONS,
  STUDY_STATUSES,
  SUBJECT_STATUSES,
  TASK_STATUSES,
} from './model.ts';
import { PSEUDONYM } from './pseudonyms.ts';
import { schedule, scheduleTask } from './schedule.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const bilingual = (max: number) => z.object({ nl: text(max), en: text(max) });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');

/** A study's consent document as signed: its version, both languages, and their SHA-256. */
const consentDocument = z.object({
  version: z.number().int(),
  nl: z.string(),
  en: z.string(),
  sha256: z.string(),
});

export const studyParams = z.object({ studyId: z.uuid() });
export const subjectParams = z.object({
  studyId: z.uuid(),
  pseudonym: z.string().regex(PSEUDONYM, 'a pseudonym of this study, like 1-ABCDEFGHIJKLMNOP'),
});

export const studyInput = z.object({
  title: bilingual(200).describe('The title, in Dutch and English.'),
  summary: bilingual(4000).describe('What the study is about, for citizens, in plain language.'),
  consent: bilingual(20_000).describe('The study’s consent document that participants sign.'),
});

export const ethicsDecision = z.object({
  committee: text(200).describe('The committee that decided (for example METC Oost-Nederland).'),
  reference: text(100).describe('Its reference (for example NL12345.091.26).'),
  decidedOn: z.iso.date().describe('The date of the decision.'),
  documentSha256: sha256.describe('SHA-256 of the decision document, as filed.'),
});

const consentQuestion = z
  .object({
    question: bilingual(500),
    options: z.array(bilingual(200)).min(2).max(5),
    answer: z.number().int().min(0).describe('The index of the right option.'),
  })
  .refine((q) => q.answer < q.options.length, { path: ['answer'], message: 'not one of the options' });

const enrolmentQuota = z
  .object({
    total: z.number().int().min(1).max(1_000_000).optional().describe('The most taking part, in all.'),
    stratifyBy: z.enum(STRATIFICATIONS).optional(),
    perStratum: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('The most taking part per stratum.'),
  })
  .superRefine((quota, context) => {
    if ((quota.stratifyBy === undefined) !== (quota.perStratum === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [quota.stratifyBy === undefined ? 'stratifyBy' : 'perStratum'],
        message: 'a stratification and a number per stratum go together',
      });
    }
    if (quota.total === undefined && quota.perStratum === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['total'],
        message: 'a total, a number per stratum, or both',
      });
    }
  });

export const studyChanges = studyInput.partial().extend({
  enrolmentQuota: enrolmentQuota
    .nullable()
    .optional()
    .describe('The most the study enrols, in all and/or per stratum; null: no limit.'),
  consentQuestions: z
    .array(consentQuestion)
    .max(10)
    .optional()
    .describe('Questions that check the consent was understood; all must be answered right to sign.'),
  countersign: z
    .boolean()
    .optional()
    .describe('Whether a researcher countersigns each signature before the participant is enrolled.'),
  ethics: ethicsDecision.optional(),
  criteria: criteria.optional().describe('The eligibility criteria (all must hold), as data.'),
  schedule: schedule
    .optional()
    .describe('The timepoints of the study, relative to each participant (docs/api-research.md).'),
});

const stepKey = z.enum([
  'members',
  'research_consent',
  'contact_consent',
  'age',
  'sex',
  'municipality',
  'education',
  'findrisc',
  'steps',
  'other_studies',
  'cgm',
]);

export const feasibilityInput = z.object({
  criteria: criteria.optional().describe('Criteria to count with; the study’s own when absent.'),
});
const shownCount = z.number().int().nullable().describe('null: fewer than the small-cell minimum.');
export const feasibility = z.object({
  smallCellMinimum: z.number().int(),
  funnel: z.array(
    z.object({
      step: stepKey,
      criterion: criterion.optional(),
      count: shownCount,
    }),
  ),
  byMunicipality: z.array(z.object({ code: z.string(), count: shownCount })),
  byAgeBand: z.array(z.object({ band: z.string(), count: shownCount })),
});

export const eligibility = z.object({
  eligible: z.boolean(),
  steps: z.array(z.object({ step: stepKey, criterion: criterion.optional(), passed: z.boolean() })),
});

export const advance = z.object({ to: z.enum(STUDY_STATUSES).describe('The next status of the lifecycle.') });
export const teamMember = z.object({ accountId: z.uuid().describe('A researcher’s account.') });

export const study = z.object({
  id: z.uuid(),
  title: bilingual(200),
  summary: bilingual(4000),
  status: z.enum(STUDY_STATUSES),
  ethics: ethicsDecision.nullable(),
  consent: consentDocument,
  team: z.array(z.object({ accountId: z.uuid(), role: z.enum(['principal_investigator', 'researcher']) })),
  criteria,
  schedule,
  consentQuestions: z.array(consentQuestion),
  countersign: z.boolean(),
  enrolmentQuota: enrolmentQuota.nullable(),
  createdAt: z.date(),
  approvedAt: z.date().nullable(),
});
export const studies = z.object({ studies: z.array(study) });

export const studyForParticipant = z.object({
  id: z.uuid(),
  title: bilingual(200),
  summary: bilingual(4000),
  status: z.enum(STUDY_STATUSES),
  consent: consentDocument,
  consentQuestions: z.array(z.object({ question: bilingual(500), options: z.array(bilingual(200)) })),
  countersign: z.boolean(),
  myStatus: z
    .enum(SUBJECT_STATUSES)
    .nullable()
    .describe('Where I stand in the study; null when not taking part.'),
  signedAt: z.date().nullable(),
});
export const studiesForParticipant = z.object({ studies: z.array(studyForParticipant) });

export const signature = z.object({
  consentVersion: z.number().int().min(1).describe('The version of the consent document read.'),
  consentSha256: sha256.describe('Its SHA-256, as the study gives it: what is signed.'),
  answers: z
    .array(z.number().int().min(0))
    .max(10)
    .optional()
    .describe('The option chosen for each of the study’s consent questions, in order.'),
});
export const countersignatures = z.object({
  awaiting: z.array(z.object({ pseudonym: z.string(), signedAt: z.date() })),
});

export const subjects = z.object({
  subjects: z.array(
    z.object({
      pseudonym: z.string().describe('The participant’s pseudonym in this study.'),
      status: z.enum(SUBJECT_STATUSES),
      since: z.date(),
    }),
  ),
});

export const requestParams = z.object({ requestId: z.uuid() });
export const extractParams = z.object({ extractId: z.uuid() });
export const fileParams = z.object({
  extractId: z.uuid(),
  name: z.string().regex(/^[A-Za-z0-9_-]+\.(csv|sps|R|json|ndjson|parquet)$/, 'a file name of the extract'),
});

const variableName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a variable name of the data set');
export const dataRequestInput = z.object({
  datasets: z
    .array(
      z.object({
        dataset: z.enum(DATASET_KEYS).describe('A data set of the catalogue (GET /research/datasets).'),
        variables: z
          .array(variableName)
          .max(50)
          .describe('Its variables; the pseudonym always comes with them.'),
      }),
    )
    .min(1)
    .max(DATASET_KEYS.length),
  period: z
    .object({ from: z.iso.date(), to: z.iso.date() })
    .describe('The calendar days (Europe/Amsterdam) of measurements and scores, both included.'),
  purpose: text(4000).describe('What the data are for: the analysis of the protocol they serve.'),
  formats: z
    .array(z.enum(EXTRACT_FORMATS))
    .min(1)
    .default(['csv'])
    .describe(
      'csv: CSV with codebook, SPSS syntax and R script; parquet: Apache Parquet, a typed file per data set; fhir: FHIR R4 Bulk Data NDJSON.',
    ),
});

export const dataRequest = z.object({
  id: z.uuid(),
  studyId: z.uuid(),
  requestedBy: z.uuid(),
  datasets: z.array(z.object({ dataset: z.enum(DATASET_KEYS), variables: z.array(z.string()) })),
  period: z.object({ from: z.string(), to: z.string() }),
  purpose: z.string(),
  formats: z.array(z.enum(EXTRACT_FORMATS)),
  status: z.enum(REQUEST_STATUSES),
  conditions: z.string().nullable(),
  decisionNote: z.string().nullable(),
  decidedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const dataRequests = z.object({ requests: z.array(dataRequest) });
export const reviewQueue = z.object({
  requests: z.array(dataRequest.extend({ studyTitle: bilingual(200) })),
});
export const decision = z.object({
  status: z.enum(['approved', 'rejected']),
  conditions: text(4000)
    .optional()
    .describe('Conditions of use that come with an approval (in every manifest).'),
  note: text(4000).optional().describe('A note to the study team.'),
});

const manifest = z.object({
  extractId: z.uuid(),
  studyId: z.uuid(),
  requestId: z.uuid(),
  createdAt: z.string(),
  pseudonymKeyVersion: z.number().int(),
  participants: z.number().int(),
  period: z.object({ from: z.string(), to: z.string() }),
  conditions: z.string().nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      bytes: z.number().int(),
      sha256: z.string(),
      rows: z.number().int().optional(),
    }),
  ),
});
export const extract = z.object({
  id: z.uuid(),
  requestId: z.uuid(),
  studyId: z.uuid(),
  status: z.enum(EXTRACT_STATUSES),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  participants: z.number().int().nullable(),
  manifest: manifest.nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
});
export const extracts = z.object({ extracts: z.array(extract) });

const bilingualText = z.object({ nl: z.string(), en: z.string() });
export const datasetCatalogue = z.object({
  datasets: z.array(
    z.object({
      key: z.enum(DATASET_KEYS),
      label: bilingualText,
      rowIs: bilingualText,
      timeBound: z.boolean(),
      variables: z.array(
        z.object({
          name: z.string(),
          label: bilingualText,
          type: z.enum(['string', 'integer', 'decimal', 'date', 'datetime']),
          unit: z.string().optional(),
          decimals: z.number().int().optional(),
          codes: z.array(z.object({ value: z.string(), label: bilingualText })).optional(),
          source: z.string(),
        }),
      ),
    }),
  ),
});

export const newsInput = z.object({
  title: bilingual(200).describe('The headline, in Dutch and English.'),
  body: bilingual(10_000).describe(
    'The news or result in plain language; paragraphs separated by a blank line.',
  ),
  audience: z
    .enum(NEWS_AUDIENCES)
    .describe('participants: those who take or took part; panel: every member of the Citizen Lab.'),
});
export const news = z.object({
  id: z.uuid(),
  studyId: z.uuid(),
  studyTitle: bilingualText,
  title: bilingualText,
  body: bilingualText,
  audience: z.enum(NEWS_AUDIENCES),
  publishedAt: z.date(),
});
export const newsList = z.object({ news: z.array(news) });

export const inviteInput = z.object({
  size: z.number().int().min(1).max(5000).describe('How many to invite at most in this batch.'),
  stratifyBy: z.enum(STRATIFICATIONS).optional().describe('Spread the invitations over strata.'),
  perStratum: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('With stratifyBy: at most this many invitations per stratum, over all the study’s batches.'),
});
const shownNumber = z.number().int().nullable().describe('null: fewer than the small-cell minimum.');
export const invitationBatch = z.object({
  id: z.uuid(),
  createdAt: z.date(),
  requested: z.number().int(),
  stratifyBy: z.enum(STRATIFICATIONS).nullable(),
  perStratum: z.number().int().nullable(),
  invited: shownNumber,
  mailed: shownNumber,
  reminded: shownNumber,
  interested: shownNumber,
  declined: shownNumber,
  noAnswer: shownNumber,
});
export const recruitment = z.object({ batches: z.array(invitationBatch) });
export const invitation = z.object({
  studyId: z.uuid(),
  title: bilingualText,
  summary: bilingualText,
  studyStatus: z.enum(STUDY_STATUSES),
  invitedAt: z.date(),
  response: z.enum(INVITATION_RESPONSES).nullable(),
  respondedAt: z.date().nullable(),
});
export const invitations = z.object({ invitations: z.array(invitation) });
export const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an invitation link') });
export const answer = z.object({ response: z.enum(INVITATION_RESPONSES) });

export const taskTokenParams = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a task notification link'),
});
const studyTask = z.object({
  id: z.uuid(),
  studyId: z.uuid(),
  studyTitle: bilingual(200),
  timepoint: z.string(),
  title: bilingual(200),
  occurrence: z.number().int(),
  occurrences: z.number().int(),
  task: scheduleTask,
  questionnaireId: z.uuid().nullable(),
  status: z.enum(TASK_STATUSES),
  opensAt: z.date(),
  closesAt: z.date(),
  completedAt: z.date().nullable(),
  dataDays: z.number().int(),
  daysNeeded: z.number().int(),
});
export const studyTasks = z.object({ tasks: z.array(studyTask) });
export const openedTask = z.object({ title: bilingual(200), closesAt: z.date() });
const rate = z.number().min(0).max(1).nullable();
export const monitoring = z.object({
  timepoints: z.array(
    z.object({
      timepoint: z.string(),
      title: bilingual(200),
      occurrence: z.number().int(),
      upcoming: z.number().int(),
      open: z.number().int(),
      done: z.number().int(),
      missed: z.number().int(),
      completionRate: rate,
      meanDataDays: z.number().nullable(),
      daysNeeded: z.number().int(),
    }),
  ),
  subjects: z.array(
    z.object({
      pseudonym: z.string(),
      due: z.number().int(),
      done: z.number().int(),
      missed: z.number().int(),
      open: z.number().int(),
      adherence: rate,
      lastDoneAt: z.date().nullable(),
    }),
  ),
  overdue: z.array(
    z.object({
      pseudonym: z.string(),
      timepoint: z.string(),
      occurrence: z.number().int(),
      closedAt: z.date(),
    }),
  ),
  notifications: z.object({
    sent: z.number().int(),
    failed: z.number().int(),
    noEmail: z.number().int(),
    opened: z.number().int(),
    doneAfter: z.number().int(),
  }),
});
