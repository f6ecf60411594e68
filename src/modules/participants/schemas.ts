import { z } from 'zod';
import { CONTACT_PREFERENCES, EDUCATION_LEVELS, GENDERS, SEXES_AT_BIRTH } from './model.ts';

const pc4 = z
  .string()
  .regex(/^[1-9][0-9]{3}$/, 'Give the 4 digits of your postcode.')
  .describe('The 4 digits of the postcode; the letters are never asked or stored.');
const municipality = z.object({
  cbsCode: z.string(),
  name: z.string(),
  province: z.enum(['Overijssel', 'Gelderland']),
});

export const accepted = z.object({});
export const leaveBody = z.object({
  mode: z
    .enum(['stop', 'erase'])
    .describe(
      'stop: no further use, keeping what research already used; erase: erase everything not yet released.',
    ),
  confirm: z.literal(true).describe('The person confirmed their choice.'),
});
export const leaveAnswer = z.object({
  mode: z.enum(['stop', 'erase']),
  jobId: z.string().nullable().describe('The erasure job, whose progress is kept in the queue.'),
});
export const findQuery = z.object({
  query: z.string().trim().min(3).max(200).describe('Part of the participant’s e-mail address or name.'),
  reason: z
    .string()
    .trim()
    .min(5)
    .max(500)
    .describe('Why you look this participant up; kept in the audit log.'),
});
export const foundAnswer = z.object({
  participants: z.array(
    z.object({
      participantId: z.uuid(),
      displayName: z.string(),
      email: z.string(),
      municipality: z.string(),
      joinedAt: z.date(),
    }),
  ),
});
export const postcodeParams = z.object({ pc4 });
export const postcodeAnswer = z.object({
  pc4: z.string(),
  inRegion: z.boolean().describe('Whether the Citizen Lab runs there now.'),
  municipality: municipality.nullable(),
});
export const municipalitiesAnswer = z.object({ municipalities: z.array(municipality) });
export const waitListBody = z.object({
  email: z.email().max(254),
  postcode4: pc4,
  locale: z.enum(['nl', 'en']).default('nl'),
});

const profileFields = {
  birthYear: z.number().int().min(1900).max(2100).describe('Year of birth.'),
  birthMonth: z.number().int().min(1).max(12).describe('Month of birth (1–12); the day is not asked.'),
  sexAtBirth: z.enum(SEXES_AT_BIRTH).describe('Sex registered at birth.'),
  gender: z.enum(GENDERS).nullable().optional().describe('Gender, if the participant wants to say.'),
  postcode4: pc4,
  educationLevel: z
    .enum(EDUCATION_LEVELS)
    .nullable()
    .optional()
    .describe('Highest completed education, optional: used only to study differences in health.'),
  contactPreference: z.enum(CONTACT_PREFERENCES).describe('Whether the platform may e-mail the participant.'),
  timeZone: z.string().max(64).optional().describe('IANA time zone; default Europe/Amsterdam.'),
};

export const joinBody = z.object({
  ...profileFields,
  consents: z
    .array(
      z.object({
        purposeKey: z.string().regex(/^[a-z][a-z_]{1,62}$/),
        decision: z.enum(['granted', 'refused']),
        documentVersion: z.number().int().min(1),
      }),
    )
    .max(50)
    .default([])
    .describe('A decision for each purpose chosen now, for the document version in force.'),
});
export const profilePatchBody = z
  .object(profileFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'Give at least one field to change.');

export const profileAnswer = z.object({
  participantId: z.uuid(),
  birthYear: z.number().int(),
  birthMonth: z.number().int(),
  sexAtBirth: z.enum(SEXES_AT_BIRTH),
  gender: z.enum(GENDERS).nullable(),
  postcode4: z.string(),
  municipality,
  educationLevel: z.enum(EDUCATION_LEVELS).nullable(),
  contactPreference: z.enum(CONTACT_PREFERENCES),
  timeZone: z.string(),
  joinedAt: z.date(),
  leftAt: z
    .date()
    .nullable()
    .describe('When the participant left, stopping all further use; null while a member.'),
});

const cell = z.object({
  key: z.string(),
  count: z.number().int().nullable().describe('null: fewer than the minimum, withheld.'),
});
export const overviewAnswer = z.object({
  minimumCount: z.number().int().describe('Counts below this are withheld (null).'),
  total: z.number().int().nullable(),
  byMunicipality: z.array(
    z.object({
      cbsCode: z.string(),
      name: z.string(),
      province: z.string(),
      count: z.number().int().nullable(),
    }),
  ),
  byAgeBand: z.array(cell),
  bySex: z.array(cell),
  byPurpose: z.array(cell).describe('Members whose consent to each purpose counts now.'),
  growth: z.array(
    z.object({
      month: z.string(),
      joined: z.number().int().nullable(),
      members: z.number().int().nullable(),
    }),
  ),
});
