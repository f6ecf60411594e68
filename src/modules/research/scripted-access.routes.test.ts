import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { decide, enrol, recruitingStudy } from './test-support.ts';

// A researcher's script reads an approved extract with a personal API token: made in a session past its second
// factor, shown once, kept as a hash; it reads extracts and nothing else, and stops working when revoked or
// expired. Each read is still decided by the access policy as its owner, and audited.

let now = Date.now();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ clock: () => new Date(now) });
});
afterAll(() => app?.stop());

interface TokenBody {
  id: string;
  name: string;
  token?: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A script's request: no cookies, only the token. */
const script = (token: string, url: string, method: 'GET' | 'POST' | 'DELETE' = 'GET') =>
  app.http.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

describe('personal API tokens', () => {
  let pi: Awaited<ReturnType<typeof createStaff>>;
  let token: TokenBody;
  let extractId: string;
  let studyId: string;

  beforeAll(async () => {
    pi = await createStaff(app, ['researcher']);
    const steward = await createStaff(app, ['data_steward']);
    const study = await recruitingStudy(pi.client, steward.client);
    studyId = study.id;
    const member = await joinedCitizen(app);
    await decide(member, 'research', 'granted');
    await enrol(member, study);
    const asked = await pi.client.post<{ id: string }>(`/api/v1/research/studies/${study.id}/data-requests`, {
      datasets: [{ dataset: 'participants', variables: ['birth_year', 'sex'] }],
      period: { from: '2020-01-01', to: '2030-12-31' },
      purpose: 'Who takes part',
    });
    await steward.client.post(`/api/v1/research/data-requests/${asked.body.id}/decision`, {
      status: 'approved',
    });
    const started = await pi.client.post<{ id: string }>(
      `/api/v1/research/data-requests/${asked.body.id}/extracts`,
    );
    extractId = started.body.id;
    for (let i = 0; i < 200; i++) {
      const answer = await pi.client.get<{ status: string }>(`/api/v1/research/extracts/${extractId}`);
      if (answer.body.status === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('is made by a researcher, shown once and kept only as its hash; not by a citizen', async () => {
    const citizen = await joinedCitizen(app);
    expect((await citizen.client.post('/api/v1/me/api-tokens', { name: 'mine', days: 30 })).status).toBe(403);
    const tooLong = await pi.client.post('/api/v1/me/api-tokens', { name: 'analysis', days: 91 });
    expect(tooLong.status).toBe(422);
    expect((tooLong.body.errors as { pointer: string }[])[0]?.pointer).toBe('#/days');
    const made = await pi.client.post<TokenBody>('/api/v1/me/api-tokens', { name: 'R analysis', days: 30 });
    expect(made.status).toBe(201);
    token = made.body;
    expect(token.token).toMatch(/^tfp_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(token.expiresAt) - now).toBe(30 * 86_400_000);
    const listed = await pi.client.get<{ tokens: TokenBody[] }>('/api/v1/me/api-tokens');
    expect(listed.body.tokens).toEqual([expect.objectContaining({ id: token.id, name: 'R analysis' })]);
    expect(JSON.stringify(listed.body)).not.toContain(token.token);
    const { rows } = await sql<{ token_hash: string }>`SELECT token_hash FROM api_tokens`.execute(
      app.database.db,
    );
    expect(rows).toEqual([
      {
        token_hash: createHash('sha256')
          .update(token.token as string)
          .digest('hex'),
      },
    ]);
  });

  it('lets a script read the extract and download its files, as its owner, audited', async () => {
    const secret = token.token as string;
    const extract = await script(secret, `/api/v1/research/extracts/${extractId}`);
    expect(extract.statusCode).toBe(200);
    const manifest = extract.json().manifest as { files: { name: string; sha256: string }[] };
    const participants = manifest.files.find((file) => file.name === 'participants.csv');
    const file = await script(secret, `/api/v1/research/extracts/${extractId}/files/participants.csv`);
    expect(file.statusCode).toBe(200);
    expect(createHash('sha256').update(file.rawPayload).digest('hex')).toBe(participants?.sha256);
    expect(file.body.split('\n')[0]).toContain('pseudonym');
    expect((await script(secret, `/api/v1/research/studies/${studyId}/extracts`)).statusCode).toBe(200);
    const downloads = (await app.audit.search({ limit: 200 })).filter(
      (e) => e.action === 'study.extract.download' && e.actorAccountId === pi.accountId,
    );
    expect(downloads.length).toBeGreaterThan(0);
    const listed = await pi.client.get<{ tokens: TokenBody[] }>('/api/v1/me/api-tokens');
    expect(listed.body.tokens[0]?.lastUsedAt).not.toBeNull();
  });

  it('reads nothing else and changes nothing', async () => {
    const secret = token.token as string;
    for (const url of [
      '/api/v1/me',
      '/api/v1/me/api-tokens',
      `/api/v1/research/studies/${studyId}/subjects`,
    ]) {
      const answer = await script(secret, url);
      expect(answer.statusCode, url).toBe(403);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
    expect((await script(secret, `/api/v1/research/studies/${studyId}/status`, 'POST')).statusCode).toBe(403);
    expect((await script(secret, '/api/v1/me/api-tokens', 'POST')).statusCode).toBe(403);
    expect((await script(`tfp_${'A'.repeat(43)}`, `/api/v1/research/extracts/${extractId}`)).statusCode).toBe(
      401,
    );
    expect((await script('not-a-token', `/api/v1/research/extracts/${extractId}`)).statusCode).toBe(401);
  });

  it('stops working when revoked, or once expired', async () => {
    const secret = token.token as string;
    expect((await pi.client.delete(`/api/v1/me/api-tokens/${token.id}`)).status).toBe(204);
    expect((await script(secret, `/api/v1/research/extracts/${extractId}`)).statusCode).toBe(401);
    expect((await pi.client.delete(`/api/v1/me/api-tokens/${token.id}`)).status).toBe(404);
    const short = await pi.client.post<TokenBody>('/api/v1/me/api-tokens', { name: 'one day', days: 1 });
    const day = short.body.token as string;
    expect((await script(day, `/api/v1/research/extracts/${extractId}`)).statusCode).toBe(200);
    now += 86_400_000 + 1000;
    expect((await script(day, `/api/v1/research/extracts/${extractId}`)).statusCode).toBe(401);
  });
});
