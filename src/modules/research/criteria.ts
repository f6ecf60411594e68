import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { consentCounts } from '../consent/index.ts';
import { stepsParticipants } from '../measurements/index.ts';
import { EDUCATION_LEVELS, SEXES_AT_BIRTH } from '../participants/index.ts';

/**
 * Eligibility criteria as data: each is one condition on the panel's members, and a study's criteria all hold
 * together. The consents to research and to being contacted are always required and come first. Every value
 * reaches SQL as a parameter; nothing here is ever pasted into a statement.
 */
export const criterion = z.discriminatedUnion('field', [
  z.object({
    field: z.literal('age'),
    min: z.number().int().min(16).max(120).optional(),
    max: z.number().int().min(16).max(120).optional(),
  }),
  z.object({ field: z.literal('sex'), in: z.array(z.enum(SEXES_AT_BIRTH)).min(1) }),
  z.object({
    field: z.literal('municipality'),
    in: z
      .array(z.string().regex(/^GM[0-9]{4}$/, 'a CBS municipality code such as GM0153'))
      .min(1)
      .max(100),
  }),
  z.object({ field: z.literal('education'), in: z.array(z.enum(EDUCATION_LEVELS)).min(1) }),
  z.object({
    field: z.literal('findrisc'),
    min: z.number().int().min(0).max(26),
    withinMonths: z.number().int().min(1).max(120),
  }),
  z.object({
    field: z.literal('steps'),
    minPerDay: z.number().int().min(0).max(100_000),
    withinDays: z.number().int().min(7).max(365),
  }),
  z.object({
    field: z.literal('other_studies'),
    exclude: z
      .union([z.literal('any'), z.array(z.uuid()).min(1).max(50)])
      .describe('Those taking part in any other study, or in these studies, are not eligible.'),
  }),
  z.object({
    field: z.literal('cgm'),
    minDays: z.number().min(1).max(14),
    meanMmolMin: z.number().min(1).max(30).optional(),
    meanMmolMax: z.number().min(1).max(30).optional(),
  }),
]);
export type Criterion = z.infer<typeof criterion>;

export const criteria = z.object({ all: z.array(criterion).max(20) });
export type Criteria = z.infer<typeof criteria>;

/**
 * One step of the funnel: a key the web translates, its parameters, and either a condition on `m` (a row of
 * `eligibility_facts`, kept current from the owning modules' tables) or `members`, a subquery of the distinct
 * participant ids that pass (another module's table, for what depends on the criterion's parameters beyond a
 * fact: steps per day), which the count joins: a hash join spills to disk when the set is large, where `IN (…)`
 * outgrowing `work_mem` falls back to searching the whole set for every member.
 */
export type Step = {
  key: 'members' | 'research_consent' | 'contact_consent' | Criterion['field'];
  criterion?: Criterion;
} & Test;

/**
 * How a step decides: a condition on `m`; `members`, a subquery of those who pass; or `excluded`, a subquery of
 * those who do not.
 */
type Test =
  | { condition: RawBuilder<unknown> }
  | { members: RawBuilder<{ participant_id: string }> }
  | { excluded: RawBuilder<{ participant_id: string }> };

const MONTHS_PER_YEAR = 12;

/** Age in whole years from birth year and month, as of `now`: compared as months since year 0. */
function ageCondition(c: Extract<Criterion, { field: 'age' }>, now: Date): RawBuilder<unknown> {
  const nowMonths = now.getUTCFullYear() * MONTHS_PER_YEAR + now.getUTCMonth() + 1;
  const born = sql`m.born_month`;
  // At least `min` years old: born at least min × 12 months ago; at most `max`: less than (max + 1) × 12.
  const parts = [
    ...(c.min !== undefined ? [sql`${born} <= ${nowMonths - c.min * MONTHS_PER_YEAR}`] : []),
    ...(c.max !== undefined ? [sql`${born} > ${nowMonths - (c.max + 1) * MONTHS_PER_YEAR}`] : []),
  ];
  return parts.length === 0 ? sql`TRUE` : sql.join(parts, sql` AND `);
}

/** What compiling needs from the research module's own tables: those taking part in other studies. */
export interface CriteriaContext {
  now: Date;
  /** Those taking part in studies other than the one being counted: any, or those listed. */
  inOtherStudies: (studies: 'any' | string[]) => RawBuilder<{ participant_id: string }>;
}

function testOf(c: Criterion, context: CriteriaContext): Test {
  const { now } = context;
  switch (c.field) {
    case 'age':
      return { condition: ageCondition(c, now) };
    case 'sex':
      return { condition: sql`m.sex_at_birth = ANY(${c.in}::text[])` };
    case 'municipality':
      return { condition: sql`m.municipality_code = ANY(${c.in}::text[])` };
    case 'education':
      return { condition: sql`m.education_level = ANY(${c.in}::text[])` };
    case 'findrisc': {
      const since = new Date(now);
      since.setUTCMonth(since.getUTCMonth() - c.withinMonths);
      // The latest score decides unless an earlier one was higher (questionnaires' scoreReach).
      return {
        condition: sql`CASE WHEN m.findrisc_reach IS NULL
          THEN m.findrisc_latest >= ${c.min}::int AND m.findrisc_latest_at >= ${since}
          ELSE m.findrisc_reach[${c.min + 1}::int] >= ${since} END`,
      };
    }
    case 'cgm':
      return {
        condition: sql`m.cgm_wear_days >= ${c.minDays}::float8
          AND m.cgm_mean_mmol >= ${c.meanMmolMin ?? 0}::float8 AND m.cgm_mean_mmol <= ${c.meanMmolMax ?? 1000}::float8`,
      };
    case 'steps':
      return { members: stepsParticipants(c.minPerDay, new Date(now.getTime() - c.withinDays * 86_400_000)) };
    case 'other_studies':
      return { excluded: context.inOtherStudies(c.exclude) };
  }
}

/**
 * The funnel's steps for a study: every member, the two required consents, then each criterion in the given
 * order.
 */
export function compileCriteria(value: Criteria, context: CriteriaContext): Step[] {
  return [
    { key: 'members', condition: sql`TRUE` },
    { key: 'research_consent', condition: consentCounts('research', sql`m.research_consent_version`) },
    { key: 'contact_consent', condition: consentCounts('study_contact', sql`m.contact_consent_version`) },
    ...value.all.map((c): Step => ({ key: c.field, criterion: c, ...testOf(c, context) })),
  ];
}
