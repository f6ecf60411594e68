import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, signUpCitizen, type TestApp } from './app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

it('a citizen signs up, verifies and reads their account', async () => {
  const { client, email } = await signUpCitizen(app);
  const me = await client.get('/api/v1/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ account: { email, emailVerified: true } });
});
