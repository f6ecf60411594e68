import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { scoreReach } from './store.ts';

// `scoreReach` answers "a score of at least x computed since a date" for any x and date from a few values per
// participant. Checked here against that question asked of every score, for random histories: each check runs
// in a transaction that rolls back, over a temporary table of the scores' shape that stands in for the real one
// (a temporary table comes first in the search path), so no responses need to exist behind the scores.

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb?.drop());

const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;

type Score = { daysAgo: number; score: number };
type Reach = { latest_at: Date; latest: number; reach: Date[] | null };

/** The answer from scoreReach's values, as its documentation says to read them. */
function reaches(row: Reach | undefined, atLeast: number, since: Date): boolean {
  if (!row) return false;
  if (row.reach === null) return row.latest >= atLeast && row.latest_at.getTime() >= since.getTime();
  const reached = row.reach[atLeast];
  return reached !== undefined && reached !== null && new Date(reached).getTime() >= since.getTime();
}

class RolledBack extends Error {}

async function reachOf(history: Score[], model = 'findrisc'): Promise<Reach | undefined> {
  const participant = randomUUID();
  let found: Reach | undefined;
  await testDb.database.db
    .transaction()
    .execute(async (trx) => {
      await sql`CREATE TEMPORARY TABLE questionnaire_scores (
          participant_id uuid, model text, score double precision, computed_at timestamptz) ON COMMIT DROP`.execute(
        trx,
      );
      for (const { daysAgo, score } of history) {
        await sql`INSERT INTO questionnaire_scores VALUES (${participant}, ${model}, ${score}, ${new Date(NOW - daysAgo * DAY)})`.execute(
          trx,
        );
      }
      // Someone else's scores, and another model's, are not theirs.
      await sql`INSERT INTO questionnaire_scores VALUES (${randomUUID()}, ${model}, 26, ${new Date(NOW)}),
        (${participant}, 'who5', 100, ${new Date(NOW)})`.execute(trx);
      const { rows } = await sql<Reach & { participant_id: string }>`
        SELECT * FROM (${scoreReach(model, [participant])}) r`.execute(trx);
      expect(rows.every((row) => row.participant_id === participant)).toBe(true);
      found = rows[0];
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return found;
}

it('answers "at least x since a date" as every score would, for any history (Lindström & Tuomilehto 2003 range 0–26)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          daysAgo: fc.integer({ min: 0, max: 730 }),
          score: fc.double({ min: 0, max: 26, noNaN: true }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      fc.array(
        fc.record({ atLeast: fc.integer({ min: 0, max: 27 }), withinDays: fc.integer({ min: 0, max: 800 }) }),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
      async (history, questions) => {
        const row = await reachOf(history);
        for (const { atLeast, withinDays } of questions) {
          const since = new Date(NOW - withinDays * DAY);
          const expected = history.some(
            (s) => Math.floor(s.score) >= atLeast && NOW - s.daysAgo * DAY >= since.getTime(),
          );
          expect(reaches(row, atLeast, since)).toBe(expected);
        }
        // The array is there only when an earlier score was higher than the latest one.
        const latestDaysAgo = Math.min(...history.map((s) => s.daysAgo));
        const latest = Math.max(
          ...history.filter((s) => s.daysAgo === latestDaysAgo).map((s) => Math.floor(s.score)),
        );
        const highest = Math.max(...history.map((s) => Math.floor(s.score)));
        expect(row?.latest).toBe(latest);
        expect(row?.reach === null).toBe(highest === latest);
      },
    ),
    { numRuns: 80 },
  );
});

it('finds nothing for someone without scores of the model', async () => {
  expect(await reachOf([], 'findrisc')).toBeUndefined();
});
