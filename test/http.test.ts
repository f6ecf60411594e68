import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, type TestApp } from './app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

describe('the HTTP layer', () => {
  it('reports every invalid field of every part of a request at once, each with a JSON pointer', async () => {
    const admin = await createStaff(app, ['administrator']);
    const answer = await admin.client.patch('/api/v1/admin/organisations/not-a-uuid', {
      name: 'x',
      type: 'castle',
    });
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: 'urn:topfit:problem:invalid_input',
      status: 422,
      code: 'invalid_input',
    });
    expect(
      (answer.body.errors as { in: string; pointer: string }[]).map((e) => `${e.in} ${e.pointer}`).sort(),
    ).toEqual(['body #/name', 'body #/type', 'params #/id']);
  });

  it('answers an unknown API route with a 404 problem, never the web app', async () => {
    const answer = await app.client().get('/api/v1/nothing-here?token=secret');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'not_found', instance: '/api/v1/nothing-here' });
  });

  it('answers a body that is not JSON with a 400 problem, and an unsafe request without CSRF token with 403', async () => {
    const csrf = await app.http.inject({ method: 'GET', url: '/api/v1/csrf' });
    const cookie = csrf.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const broken = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf.json().token, cookie },
      payload: '{"email": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ status: 400, code: 'bad_request' });
    const forged = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json', cookie },
      payload: JSON.stringify({ email: 'a@example.org', password: 'whatever' }),
    });
    expect(forged.json()).toMatchObject({ status: 403, code: 'csrf_failed' });
  });

  it('gives every answer a request id, and keeps a caller’s well-formed one', async () => {
    const mine = await app.http.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-12345678' },
    });
    expect(mine.headers['x-request-id']).toBe('trace-12345678');
    const odd = await app.http.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': '<script>' },
    });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers: a strict content security policy, no sniffing, no framing', async () => {
    const answer = await app.http.inject({ method: 'GET', url: '/healthz' });
    expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('tells health and readiness apart: ready only while the database answers', async () => {
    expect((await app.http.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.http.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('publishes an OpenAPI 3.1 description of every /api/v1 route, with the schemas’ descriptions', async () => {
    const spec = (await app.http.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    const routes = app.http.printRoutes({ commonPrefix: false });
    for (const path of [
      '/api/v1/auth/sign-in',
      '/api/v1/me',
      '/api/v1/admin/audit',
      '/api/v1/admin/outbox/{id}',
    ]) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
    expect(routes).toContain('/api/v1/me');
    const signUp = spec.paths['/api/v1/auth/sign-up'].post;
    expect(JSON.stringify(signUp.requestBody)).toContain('A password or passphrase of 12 to 256 characters.');
    const docs = await app.http.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
