import { type Generated, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  ContactPreference,
  EducationLevel,
  Gender,
  Municipality,
  Profile,
  SexAtBirth,
} from './model.ts';

type Tables = {
  municipalities: {
    cbs_code: string;
    name: string;
    province: Municipality['province'];
    corop_region: string;
    ggd_region: string;
    population: number;
  };
  postcode_areas: { pc4: string; cbs_code: string };
  participants: {
    participant_id: string;
    birth_year: number;
    birth_month: number;
    sex_at_birth: SexAtBirth;
    gender: Gender | null;
    postcode4: string;
    municipality_code: string;
    education_level: EducationLevel | null;
    contact_preference: ContactPreference;
    time_zone: string;
    joined_at: Generated<Date>;
    updated_at: Generated<Date>;
    left_at: Date | null;
  };
  region_wait_list: { email: string; postcode4: string; locale: 'nl' | 'en'; created_at: Generated<Date> };
};

export type ProfileRow = Omit<Selectable<Tables['participants']>, 'updated_at'>;

/**
 * Every member now (joined, not left), or those of `participants` who are, with the facts research may select on,
 * as a subquery: participant_id, birth_year, birth_month, sex_at_birth, municipality_code, education_level.
 * Aggregates only: nothing here names anyone, and what is shown of it is counted and suppressed by the caller.
 */
export const memberFacts = (participants?: readonly string[]) => sql<{
  participant_id: string;
  birth_year: number;
  birth_month: number;
  sex_at_birth: string;
  municipality_code: string;
  education_level: string | null;
}>`
  SELECT participant_id, birth_year, birth_month, sex_at_birth, municipality_code, education_level
  FROM participants WHERE left_at IS NULL
    ${participants ? sql`AND participant_id = ANY(${participants}::uuid[])` : sql``}`;

/** The participants module's SQL; nothing else touches these tables. */

export function createParticipantsStore(base: Db) {
  const db = base.withTables<Tables>();

  const withMunicipality = () =>
    db
      .selectFrom('participants as p')
      .innerJoin('municipalities as m', 'm.cbs_code', 'p.municipality_code')
      .select([
        'p.participant_id',
        'p.birth_year',
        'p.birth_month',
        'p.sex_at_birth',
        'p.gender',
        'p.postcode4',
        'p.education_level',
        'p.contact_preference',
        'p.time_zone',
        'p.joined_at',
        'p.left_at',
        'm.cbs_code',
        'm.name',
        'm.province',
      ]);

  return {
    async municipalityOf(pc4: string): Promise<Municipality | undefined> {
      const row = await db
        .selectFrom('postcode_areas as a')
        .innerJoin('municipalities as m', 'm.cbs_code', 'a.cbs_code')
        .select(['m.cbs_code', 'm.name', 'm.province'])
        .where('a.pc4', '=', pc4)
        .executeTakeFirst();
      return row ? { cbsCode: row.cbs_code, name: row.name, province: row.province } : undefined;
    },
    municipalities: () =>
      db.selectFrom('municipalities').selectAll().orderBy('province').orderBy('name').execute(),
    async insertParticipant(
      row: Omit<Tables['participants'], 'joined_at' | 'updated_at' | 'left_at'>,
    ): Promise<boolean> {
      const inserted = await db
        .insertInto('participants')
        .values(row)
        .onConflict((oc) => oc.column('participant_id').doNothing())
        .returning('participant_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async updateParticipant(
      participantId: string,
      patch: Partial<Omit<Tables['participants'], 'participant_id' | 'joined_at' | 'updated_at' | 'left_at'>>,
    ) {
      await db
        .updateTable('participants')
        .set({ ...patch, updated_at: new Date() })
        .where('participant_id', '=', participantId)
        .execute();
    },
    async profile(participantId: string): Promise<Profile | undefined> {
      const row = await withMunicipality().where('p.participant_id', '=', participantId).executeTakeFirst();
      if (!row) return undefined;
      return {
        participantId: row.participant_id,
        birthYear: row.birth_year,
        birthMonth: row.birth_month,
        sexAtBirth: row.sex_at_birth,
        gender: row.gender,
        postcode4: row.postcode4,
        municipality: { cbsCode: row.cbs_code, name: row.name, province: row.province },
        educationLevel: row.education_level,
        contactPreference: row.contact_preference,
        timeZone: row.time_zone,
        joinedAt: row.joined_at,
        leftAt: row.left_at,
      };
    },
    /** Membership facts of the given participants (no health data). */
    async memberships(participantIds: string[]) {
      if (participantIds.length === 0) return [];
      return db
        .selectFrom('participants as p')
        .innerJoin('municipalities as m', 'm.cbs_code', 'p.municipality_code')
        .select(['p.participant_id', 'p.joined_at', 'm.name as municipality'])
        .where('p.participant_id', 'in', participantIds)
        .execute();
    },
    async markLeft(participantId: string, now: Date) {
      await db
        .updateTable('participants')
        .set({ left_at: now })
        .where('participant_id', '=', participantId)
        .execute();
    },
    async erase(participantId: string) {
      const result = await db
        .deleteFrom('participants')
        .where('participant_id', '=', participantId)
        .execute();
      return [{ table: 'participants', removed: Number(result[0]?.numDeletedRows ?? 0) }];
    },
    /** A member who has not left, with how they want to be contacted. */
    async activeMember(participantId: string) {
      return db
        .selectFrom('participants')
        .select(['participant_id', 'contact_preference', 'time_zone'])
        .where('participant_id', '=', participantId)
        .where('left_at', 'is', null)
        .executeTakeFirst();
    },
    async timeZones(participantIds: string[]) {
      if (participantIds.length === 0) return [];
      return db
        .selectFrom('participants')
        .select(['participant_id', 'time_zone'])
        .where('participant_id', 'in', participantIds)
        .where('left_at', 'is', null)
        .execute();
    },
    async exists(participantId: string): Promise<boolean> {
      const row = await db
        .selectFrom('participants')
        .select('participant_id')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return row !== undefined;
    },
    /** Member counts per group for the panel overview (aggregates only; suppression is the caller's). */
    async memberCounts(now: Date) {
      const months = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
      const age = sql<number>`floor((${months} - (birth_year * 12 + birth_month)) / 12.0)`;
      const [byMunicipality, bySex, byAge, byMonth] = await Promise.all([
        db
          .selectFrom('municipalities as m')
          .leftJoin('participants as p', 'p.municipality_code', 'm.cbs_code')
          .select([
            'm.cbs_code',
            'm.name',
            'm.province',
            (eb) => eb.fn.count<number>('p.participant_id').as('n'),
          ])
          .groupBy(['m.cbs_code', 'm.name', 'm.province'])
          .orderBy('m.name')
          .execute(),
        db
          .selectFrom('participants')
          .select(['sex_at_birth', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('sex_at_birth')
          .execute(),
        sql<{ band: string; n: number }>`
          SELECT CASE WHEN ${age} < 30 THEN '16-29' WHEN ${age} < 45 THEN '30-44' WHEN ${age} < 60 THEN '45-59'
                      WHEN ${age} < 75 THEN '60-74' ELSE '75+' END AS band, count(*)::int AS n
          FROM participants GROUP BY 1`.execute(base),
        sql<{ month: string; n: number }>`
          SELECT to_char(date_trunc('month', joined_at AT TIME ZONE 'Europe/Amsterdam'), 'YYYY-MM') AS month, count(*)::int AS n
          FROM participants GROUP BY 1 ORDER BY 1`.execute(base),
      ]);
      return {
        byMunicipality: byMunicipality.map((r) => ({
          cbsCode: r.cbs_code,
          name: r.name,
          province: r.province,
          count: Number(r.n),
        })),
        bySex: bySex.map((r) => ({ key: r.sex_at_birth, count: Number(r.n) })),
        byAgeBand: byAge.rows.map((r) => ({ key: r.band, count: Number(r.n) })),
        byMonth: byMonth.rows.map((r) => ({ key: r.month, count: Number(r.n) })),
      };
    },
    async addToWaitList(email: string, postcode4: string, locale: 'nl' | 'en') {
      await db
        .insertInto('region_wait_list')
        .values({ email, postcode4, locale })
        .onConflict((oc) => oc.column('email').doUpdateSet({ postcode4, locale }))
        .execute();
    },
  };
}

export type ParticipantsStore = ReturnType<typeof createParticipantsStore>;
