import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { type Audit, type AuditEvent, createAudit } from './index.ts';
import { GENESIS_HASH, hashEntry } from './model.ts';

let testDb: TestDatabase;
let audit: Audit;

beforeAll(async () => {
  testDb = await createTestDatabase();
  audit = createAudit(testDb.database.db);
});
afterAll(() => testDb?.drop());

const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  actorAccountId: randomUUID(),
  actorRole: 'administrator',
  action: 'account.read',
  resourceType: 'account',
  subjectParticipantId: randomUUID(),
  purpose: 'administration',
  outcome: 'success',
  requestId: randomUUID(),
  clientAddress: '203.0.113.7',
  details: { query: 'jansen', count: 3, exact: true, none: null },
  ...overrides,
});

describe('the audit chain', () => {
  it('links each entry to the one before it, starting from the genesis hash', async () => {
    const first = await audit.record(event());
    const second = await audit.record(event());
    expect(second.seq).toBe(first.seq + 1);
    expect(second.prevHash).toBe(first.hash);
    expect(hashEntry(second)).toBe(second.hash);
    const [oldest] = (await audit.search({ limit: 1000 })).slice(-1);
    expect(oldest?.prevHash).toBe(GENESIS_HASH);
  });

  it('keeps every field as recorded, details included', async () => {
    const recorded = event({ onBehalfOf: randomUUID(), resourceId: 'abc', outcome: 'denied' });
    const entry = await audit.record(recorded);
    const [found] = await audit.search({ participantId: recorded.subjectParticipantId ?? '', limit: 5 });
    expect(found).toEqual(entry);
    expect(found?.details).toEqual({ query: 'jansen', count: 3, exact: true, none: null });
  });

  it('stays one unbroken chain when many entries are written at once', async () => {
    await Promise.all(Array.from({ length: 40 }, () => audit.record(event())));
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses updates and deletes: the log is append-only', async () => {
    const entry = await audit.record(event());
    const db = testDb.database.db;
    await expect(
      sql`UPDATE audit_log SET outcome = 'denied' WHERE seq = ${entry.seq}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE seq = ${entry.seq}`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe('search', () => {
  it('finds entries by participant, by actor and by period, newest first, with paging', async () => {
    const participant = randomUUID();
    const actor = randomUUID();
    const before = new Date();
    const entries = [];
    for (let i = 0; i < 5; i++) {
      entries.push(await audit.record(event({ subjectParticipantId: participant, actorAccountId: actor })));
    }
    await audit.record(event());
    const byParticipant = await audit.search({ participantId: participant, limit: 3 });
    expect(byParticipant.map((e) => e.seq)).toEqual(
      entries
        .slice(-3)
        .reverse()
        .map((e) => e.seq),
    );
    const nextPage = await audit.search({
      participantId: participant,
      limit: 3,
      beforeSeq: byParticipant.at(-1)?.seq,
    });
    expect(nextPage.map((e) => e.seq)).toEqual(
      entries
        .slice(0, 2)
        .reverse()
        .map((e) => e.seq),
    );
    expect(await audit.search({ actorAccountId: actor, limit: 10 })).toHaveLength(5);
    expect(
      await audit.search({ participantId: participant, from: new Date(Date.now() + 60_000), limit: 10 }),
    ).toHaveLength(0);
    expect(
      await audit.search({
        participantId: participant,
        from: before,
        to: new Date(Date.now() + 1000),
        limit: 10,
      }),
    ).toHaveLength(5);
  });
});

describe('verify names the first broken link', () => {
  // These tests break the chain of their own database, so they run last, each on a fresh database.
  async function freshAudit() {
    const own = await createTestDatabase();
    return { own, audit: createAudit(own.database.db) };
  }

  it('a changed entry breaks the chain at that entry', async () => {
    const { own, audit: log } = await freshAudit();
    try {
      for (let i = 0; i < 5; i++) await log.record(event());
      const db = own.database.db;
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
      await sql`UPDATE audit_log SET outcome = 'denied' WHERE seq = 3`.execute(db);
      expect(await log.verify()).toEqual({
        ok: false,
        entries: 2,
        brokenAt: 3,
        reason: 'its content does not match its hash',
      });
    } finally {
      await own.drop();
    }
  });

  it('a removed entry is reported as missing', async () => {
    const { own, audit: log } = await freshAudit();
    try {
      for (let i = 0; i < 4; i++) await log.record(event());
      const db = own.database.db;
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
      await sql`DELETE FROM audit_log WHERE seq = 2`.execute(db);
      expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 2, reason: 'entry 2 is missing' });
    } finally {
      await own.drop();
    }
  });

  it('an entry rewritten with a recomputed hash still breaks the link of the next one', async () => {
    const { own, audit: log } = await freshAudit();
    try {
      for (let i = 0; i < 4; i++) await log.record(event());
      const [second] = (await log.search({ limit: 10 })).filter((e) => e.seq === 2);
      if (!second) throw new Error('entry 2 missing');
      const forged = { ...second, outcome: 'denied' as const };
      const db = own.database.db;
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
      await sql`UPDATE audit_log SET outcome = 'denied', hash = ${hashEntry(forged)} WHERE seq = 2`.execute(
        db,
      );
      expect(await log.verify()).toMatchObject({
        ok: false,
        brokenAt: 3,
        reason: 'its previous hash does not match',
      });
    } finally {
      await own.drop();
    }
  });

  it('an intact log verifies with its number of entries', async () => {
    const { own, audit: log } = await freshAudit();
    try {
      for (let i = 0; i < 7; i++) await log.record(event());
      expect(await log.verify()).toEqual({ ok: true, entries: 7 });
    } finally {
      await own.drop();
    }
  });
});
