import { strFromU8, unzipSync } from 'fflate';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, joinedCitizen, signUpCitizen, type TestApp } from '../../../test/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

async function download(client: ReturnType<TestApp['client']>) {
  // The test client parses JSON; a ZIP is fetched through inject directly, with the client's cookies.
  const me = await client.get('/api/v1/me');
  expect(me.status).toBe(200);
  return client.raw('GET', '/api/v1/me/data-export');
}

it('a participant downloads all their data: JSON and CSV of every table that holds it, a FHIR Bundle and a readme', async () => {
  const { client, accountId, email } = await joinedCitizen(app, {
    postcode4: '6811',
    birthYear: 1980,
    birthMonth: 5,
  });
  const version = (
    await app
      .client()
      .get<{ purposes: { purposeKey: string; version: number }[] }>('/api/v1/consent/purposes')
  ).body.purposes.find((p) => p.purposeKey === 'research')?.version;
  await client.post('/api/v1/me/consents', {
    purposeKey: 'research',
    decision: 'granted',
    documentVersion: version,
  });

  const answer = await download(client);
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['content-type']).toBe('application/zip');
  expect(answer.headers['content-disposition']).toMatch(
    /attachment; filename="topfit-mijn-gegevens-\d{4}-\d{2}-\d{2}\.zip"/,
  );
  const files = unzipSync(new Uint8Array(answer.rawPayload));
  const names = Object.keys(files).sort();

  // Every participant-scoped table of the live schema is in the archive, plus the identity tables.
  const { rows } = await sql<{ table: string }>`
    SELECT DISTINCT c.table_name AS table FROM information_schema.columns c
    WHERE c.table_schema = 'public' AND c.column_name = 'participant_id'`.execute(app.database.db);
  for (const table of [...rows.map((r) => r.table), 'accounts', 'sessions', 'memberships', 'audit_log']) {
    expect(names, table).toContain(`${table}.json`);
    expect(names, table).toContain(`${table}.csv`);
  }
  expect(names).toEqual(expect.arrayContaining(['fhir-bundle.json', 'LEESMIJ.txt', 'README.txt']));

  const read = (name: string) => strFromU8(files[name] ?? new Uint8Array());
  expect(JSON.parse(read('accounts.json'))).toEqual([expect.objectContaining({ id: accountId, email })]);
  expect(JSON.parse(read('participants.json'))).toEqual([
    expect.objectContaining({ participant_id: accountId, postcode4: '6811', municipality: 'Arnhem' }),
  ]);
  expect(JSON.parse(read('consent_events.json'))).toEqual([
    expect.objectContaining({ purposeKey: 'research', decision: 'granted' }),
  ]);
  expect(read('participants.csv').split('\r\n')[0]).toContain('participant_id,birth_year,birth_month');
  expect(JSON.parse(read('audit_log.json')).map((e: { action: string }) => e.action)).toContain(
    'participant.join',
  );

  const bundle = JSON.parse(read('fhir-bundle.json'));
  expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
  expect(bundle.entry[0].resource).toMatchObject({
    resourceType: 'Patient',
    id: accountId,
    birthDate: '1980-05',
    gender: 'female',
    address: [{ postalCode: '6811', city: 'Arnhem' }],
  });
  expect(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toContain(
    'Consent',
  );

  const readme = read('README.txt');
  for (const name of names.filter((n) => n.endsWith('.json') && n !== 'fhir-bundle.json')) {
    expect(readme, name).toContain(name);
  }
  // Secrets never leave: no password hash, no token hash, nothing of the TOTP secret.
  const everything = names.map(read).join('\n');
  expect(everything).not.toMatch(/\$argon2|token_hash|totp_secret|password_hash/);

  const [entry] = (await app.audit.search({ participantId: accountId, limit: 5 })).filter(
    (e) => e.action === 'participant.export',
  );
  expect(entry).toMatchObject({ outcome: 'success', actorAccountId: accountId });
});

it('someone who never joined has no Citizen Lab data to download', async () => {
  const { client } = await signUpCitizen(app);
  expect((await download(client)).statusCode).toBe(404);
});
