import { z } from 'zod';
import { criteria, criterion } from './criteria.ts';
import { STUDY_STATUSES, SUBJECT_STATUSES } from './model.ts';
import { PSEUDONYM } from './pseudonyms.ts';

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

export const studyChanges = studyInput.partial().extend({
  ethics: ethicsDecision.optional(),
  criteria: criteria.optional().describe('The eligibility criteria (all must hold), as data.'),
});

export const feasibilityInput = z.object({
  criteria: criteria.optional().describe('Criteria to count with; the study’s own when absent.'),
});
const shownCount = z.number().int().nullable().describe('null: fewer than the small-cell minimum.');
export const feasibility = z.object({
  smallCellMinimum: z.number().int(),
  funnel: z.array(
    z.object({
      step: z.enum([
        'members',
        'research_consent',
        'contact_consent',
        'age',
        'sex',
        'municipality',
        'education',
        'findrisc',
        'cgm',
      ]),
      criterion: criterion.optional(),
      count: shownCount,
    }),
  ),
  byMunicipality: z.array(z.object({ code: z.string(), count: shownCount })),
  byAgeBand: z.array(z.object({ band: z.string(), count: shownCount })),
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
