import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { participantChangesWaiting, takeParticipantChanges } from './index.ts';

// The change feed as a module attaches it to a table of its own (announce_participant_changes: one trigger per
// event, statement-level, with the changed rows as a transition table). Here on a table of this test, so that
// only its own writes are seen.

let testDb: TestDatabase;
const db = () => testDb.database.db;
const NIL = '00000000-0000-0000-0000-000000000000';

async function queued(): Promise<string[]> {
  const { rows } = await sql<{ participant_id: string }>`
    SELECT participant_id FROM participant_changes ORDER BY id`.execute(db());
  return rows.map((row) => row.participant_id);
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  await sql`CREATE TABLE announced (participant_id uuid NOT NULL, value integer NOT NULL)`.execute(db());
  await sql`SELECT announce_participant_changes('announced')`.execute(db());
});
afterAll(() => testDb?.drop());
beforeEach(async () => {
  await sql`DELETE FROM participant_changes`.execute(db());
});

describe('participant changes', () => {
  it('announces whose rows were inserted, updated and deleted, each once per statement', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await sql`INSERT INTO announced VALUES (${a}, 1), (${a}, 2), (${b}, 3)`.execute(db());
    expect((await queued()).sort()).toEqual([a, b].sort());
    await sql`DELETE FROM participant_changes`.execute(db());
    await sql`UPDATE announced SET value = value + 1 WHERE participant_id = ${b}`.execute(db());
    await sql`DELETE FROM announced WHERE participant_id = ${a}`.execute(db());
    expect(await queued()).toEqual([b, a]);
    // A statement that changes nothing announces nothing.
    await sql`UPDATE announced SET value = 0 WHERE participant_id = ${randomUUID()}`.execute(db());
    expect(await queued()).toEqual([b, a]);
  });

  it('announces a statement of more than 1,000 rows as everyone, in one row', async () => {
    await sql`INSERT INTO announced SELECT gen_random_uuid(), g FROM generate_series(1, 1001) AS g`.execute(
      db(),
    );
    expect(await queued()).toEqual([NIL]);
    await sql`DELETE FROM participant_changes`.execute(db());
    await sql`INSERT INTO announced SELECT gen_random_uuid(), g FROM generate_series(1, 1000) AS g`.execute(
      db(),
    );
    expect((await queued()).length).toBe(1000);
  });

  it('is taken by a transaction that commits, and stays when it rolls back', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await sql`INSERT INTO announced VALUES (${a}, 1)`.execute(db());
    await sql`INSERT INTO announced VALUES (${b}, 1), (${a}, 2)`.execute(db());
    expect(await participantChangesWaiting(db())).toBe(true);
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          expect((await takeParticipantChanges(trx, 10)) as string[]).toEqual(expect.arrayContaining([a, b]));
          throw new Error('the recomputation failed');
        }),
    ).rejects.toThrow('the recomputation failed');
    expect(await queued()).toHaveLength(3);
    const taken = await db()
      .transaction()
      .execute((trx) => takeParticipantChanges(trx, 10));
    expect((taken as string[]).sort()).toEqual([a, b].sort());
    expect(await participantChangesWaiting(db())).toBe(false);
  });

  it('says everyone after a bulk load, or when more changed than the taker recomputes one by one', async () => {
    for (let i = 0; i < 3; i++) await sql`INSERT INTO announced VALUES (${randomUUID()}, ${i})`.execute(db());
    expect(
      await db()
        .transaction()
        .execute((trx) => takeParticipantChanges(trx, 2)),
    ).toBe('everyone');
    expect(await queued()).toEqual([]);
    await sql`INSERT INTO announced VALUES (${randomUUID()}, 1)`.execute(db());
    await sql`INSERT INTO announced SELECT gen_random_uuid(), g FROM generate_series(1, 2000) AS g`.execute(
      db(),
    );
    expect(
      await db()
        .transaction()
        .execute((trx) => takeParticipantChanges(trx, 100)),
    ).toBe('everyone');
    expect(await participantChangesWaiting(db())).toBe(false);
  });
});
