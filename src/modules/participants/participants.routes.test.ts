import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStaff,
  createTestApp,
  joinedCitizen,
  signUpCitizen,
  type TestApp,
  uniqueEmail,
} from '../../../test/app.ts';
import { ageInYears } from './model.ts';

let app: TestApp;
const now = new Date('2026-11-24T12:00:00Z');
// The platform runs on the real clock; the age rule is checked on this fixed day.
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

const profile = {
  birthYear: 1980,
  birthMonth: 5,
  sexAtBirth: 'female',
  postcode4: '7511',
  contactPreference: 'email',
};

async function currentVersion(purposeKey: string): Promise<number> {
  const answer = await app
    .client()
    .get<{ purposes: { purposeKey: string; version: number }[] }>('/api/v1/consent/purposes');
  return answer.body.purposes.find((p) => p.purposeKey === purposeKey)?.version ?? 0;
}

describe('the region', () => {
  it('knows the municipality of a postcode in Overijssel or Gelderland, and says when one is outside', async () => {
    const client = app.client();
    const cases: [string, string][] = [
      ['7511', 'Enschede'],
      ['7411', 'Deventer'],
      ['8011', 'Zwolle'],
      ['6811', 'Arnhem'],
      ['6511', 'Nijmegen'],
      ['7551', 'Hengelo (O.)'],
    ];
    for (const [pc4, name] of cases) {
      const answer = await client.get(`/api/v1/regions/postcodes/${pc4}`);
      expect(answer.body, pc4).toMatchObject({ inRegion: true, municipality: { name } });
    }
    expect((await client.get('/api/v1/regions/postcodes/1012')).body).toEqual({
      pc4: '1012',
      inRegion: false,
      municipality: null,
    });
    expect((await client.get('/api/v1/regions/postcodes/12AB')).status).toBe(422);
  });

  it('lists the 76 municipalities, 25 in Overijssel and 51 in Gelderland, as the shipped data says', async () => {
    const answer = await app
      .client()
      .get<{ municipalities: { cbsCode: string; province: string }[] }>('/api/v1/regions/municipalities');
    expect(answer.body.municipalities).toHaveLength(76);
    expect(answer.body.municipalities.filter((m) => m.province === 'Overijssel')).toHaveLength(25);
    const csv = readFileSync(new URL('./data/municipalities.csv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(answer.body.municipalities.map((m) => m.cbsCode).sort()).toEqual(
      csv.map((line) => line.split(',')[0]).sort(),
    );
  });

  it('the database holds every postcode of the shipped table, and every municipality has postcodes', async () => {
    const csv = readFileSync(new URL('./data/pc4-municipality.csv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const { rows } = await sql<{
      pc4: string;
      cbs_code: string;
    }>`SELECT pc4, cbs_code FROM postcode_areas ORDER BY pc4`.execute(app.database.db);
    expect(rows.map((r) => `${r.pc4},${r.cbs_code}`)).toEqual(csv);
    const { rows: empty } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM municipalities m WHERE NOT EXISTS (SELECT 1 FROM postcode_areas a WHERE a.cbs_code = m.cbs_code)`.execute(
      app.database.db,
    );
    expect(empty[0]?.n).toBe(0);
  });

  it('someone outside the region can join the wait list, once per address', async () => {
    const email = uniqueEmail('elders');
    for (let i = 0; i < 2; i++) {
      const answer = await app.client().post('/api/v1/wait-list', { email, postcode4: '1012', locale: 'en' });
      expect(answer.status).toBe(202);
    }
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM region_wait_list WHERE email = ${email}`.execute(app.database.db);
    expect(rows[0]?.n).toBe(1);
  });
});

describe('joining the Citizen Lab', () => {
  it('a signed-up citizen joins with a profile and first consents; only the 4 postcode digits are kept', async () => {
    const { client, accountId } = await signUpCitizen(app);
    const answer = await client.post('/api/v1/me/participation', {
      ...profile,
      gender: 'woman',
      educationLevel: 'higher_professional',
      consents: [
        {
          purposeKey: 'personal_insights',
          decision: 'granted',
          documentVersion: await currentVersion('personal_insights'),
        },
        { purposeKey: 'research', decision: 'granted', documentVersion: await currentVersion('research') },
        {
          purposeKey: 'study_contact',
          decision: 'refused',
          documentVersion: await currentVersion('study_contact'),
        },
      ],
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      participantId: accountId,
      postcode4: '7511',
      municipality: { cbsCode: 'GM0153', name: 'Enschede', province: 'Overijssel' },
      timeZone: 'Europe/Amsterdam',
    });
    const consents = await client.get<{ purposes: { purposeKey: string; decision: string | null }[] }>(
      '/api/v1/me/consents',
    );
    const decided = Object.fromEntries(consents.body.purposes.map((p) => [p.purposeKey, p.decision]));
    expect(decided).toMatchObject({
      personal_insights: 'granted',
      research: 'granted',
      study_contact: 'refused',
      coach_sharing: null,
    });
    const [entry] = (await app.audit.search({ participantId: accountId, limit: 20 })).filter(
      (e) => e.action === 'participant.join',
    );
    expect(entry).toMatchObject({ outcome: 'success', details: { municipality: 'GM0153' } });
  });

  it('refuses someone under 16 and someone outside the region, naming both fields at once', async () => {
    const { client } = await signUpCitizen(app);
    const answer = await client.post('/api/v1/me/participation', {
      ...profile,
      birthYear: 2011,
      birthMonth: 1,
      postcode4: '1012',
    });
    expect(answer.status).toBe(422);
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/birthYear',
      '#/postcode4',
    ]);
    expect((await client.get('/api/v1/me/profile')).status).toBe(404);
  });

  it('counts age in whole years from year and month: 16 from the birth month on', () => {
    expect(ageInYears(2010, 11, now)).toBe(16);
    expect(ageInYears(2010, 12, now)).toBe(15);
    expect(ageInYears(1980, 5, now)).toBe(46);
  });

  it('reports every invalid field of the form', async () => {
    const { client } = await signUpCitizen(app);
    const answer = await client.post('/api/v1/me/participation', {
      birthYear: 'long ago',
      birthMonth: 13,
      sexAtBirth: 'unknown',
      postcode4: '7511AB',
      contactPreference: 'pigeon',
    });
    expect(answer.status).toBe(422);
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/birthMonth',
      '#/birthYear',
      '#/contactPreference',
      '#/postcode4',
      '#/sexAtBirth',
    ]);
  });

  it('refuses a consent for a document that is not in force, and joins nobody twice', async () => {
    const { client } = await signUpCitizen(app);
    const stale = await client.post('/api/v1/me/participation', {
      ...profile,
      consents: [{ purposeKey: 'research', decision: 'granted', documentVersion: 99 }],
    });
    expect(stale.status).toBe(422);
    expect(stale.body.errors).toEqual([expect.objectContaining({ pointer: '#/consents/0/documentVersion' })]);
    expect((await client.post('/api/v1/me/participation', profile)).status).toBe(201);
    expect((await client.post('/api/v1/me/participation', profile)).status).toBe(409);
  });

  it('staff cannot join as participants through a staff role', async () => {
    const researcher = await createStaff(app, ['researcher']);
    expect((await researcher.client.post('/api/v1/me/participation', profile)).status).toBe(403);
  });
});

describe('my profile', () => {
  it('a participant corrects their profile; the municipality follows the postcode and the change is audited', async () => {
    const { client, accountId } = await joinedCitizen(app);
    const answer = await client.patch('/api/v1/me/profile', {
      postcode4: '6811',
      educationLevel: 'university',
      timeZone: 'Europe/Berlin',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      postcode4: '6811',
      municipality: { name: 'Arnhem' },
      educationLevel: 'university',
      timeZone: 'Europe/Berlin',
    });
    expect((await client.get('/api/v1/me/profile')).body).toMatchObject({ municipality: { name: 'Arnhem' } });
    const [entry] = (await app.audit.search({ participantId: accountId, limit: 10 })).filter(
      (e) => e.action === 'participant.profile.update',
    );
    expect(entry?.details).toEqual({ fields: 'educationLevel,postcode4,timeZone' });
  });

  it('a correction that would leave the region or name an unknown time zone changes nothing', async () => {
    const { client } = await joinedCitizen(app);
    const answer = await client.patch('/api/v1/me/profile', { postcode4: '1012', timeZone: 'Mars/Olympus' });
    expect(answer.status).toBe(422);
    expect((answer.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/postcode4',
      '#/timeZone',
    ]);
    expect((await client.get('/api/v1/me/profile')).body).toMatchObject({
      postcode4: '7511',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('an empty correction is refused', async () => {
    const { client } = await joinedCitizen(app);
    expect((await client.patch('/api/v1/me/profile', {})).status).toBe(422);
  });
});

describe('support staff find a participant', () => {
  it('a data steward finds a member by e-mail with a reason the audit log keeps, and sees no health data', async () => {
    const steward = await createStaff(app, ['data_steward']);
    const { email, accountId } = await joinedCitizen(app);
    const notJoined = await signUpCitizen(app);
    const reason = 'Helpt met toestemming op papier';
    const answer = await steward.client.get<{ participants: Record<string, unknown>[] }>(
      `/api/v1/participants?query=${encodeURIComponent(email)}&reason=${encodeURIComponent(reason)}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.participants).toEqual([
      expect.objectContaining({ participantId: accountId, email, municipality: 'Enschede' }),
    ]);
    expect(Object.keys(answer.body.participants[0] ?? {}).sort()).toEqual([
      'displayName',
      'email',
      'joinedAt',
      'municipality',
      'participantId',
    ]);
    const none = await steward.client.get<{ participants: unknown[] }>(
      `/api/v1/participants?query=${encodeURIComponent(notJoined.email)}&reason=${encodeURIComponent(reason)}`,
    );
    expect(none.body.participants).toEqual([]);
    const searches = (await app.audit.search({ actorAccountId: steward.accountId, limit: 5 })).filter(
      (e) => e.action === 'participant.search',
    );
    expect(searches.map((e) => e.details)).toEqual([
      { query: notJoined.email, reason },
      { query: email, reason },
    ]);
  });

  it('a search without a reason is refused, and so is a search by a coach', async () => {
    const steward = await createStaff(app, ['data_steward']);
    expect((await steward.client.get('/api/v1/participants?query=example')).status).toBe(422);
    const coach = await createStaff(app, ['coach']);
    const answer = await coach.client.get('/api/v1/participants?query=example&reason=just%20curious');
    expect(answer.status).toBe(403);
  });
});
