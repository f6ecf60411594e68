import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { citizenWithFortnight } from '../../../test/glucose.ts';

// Caseloads and the `caseload` relation of the access policy, told as the coaching goes: an administrator
// puts a member in a coach's caseload; the coach sees her glucose report only while she shares with her coach;
// withdrawing that consent, or the end of the coaching, closes it at once; every decision is audited.

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

type Member = Awaited<ReturnType<typeof citizenWithFortnight>>;

async function share(member: Member, decision: 'granted' | 'refused') {
  const answer = await member.client.post('/api/v1/me/consents', {
    purposeKey: 'coach_sharing',
    decision,
    documentVersion: 1,
  });
  expect(answer.status).toBe(201);
}

describe('a coach and her caseload', () => {
  it('sees a member’s glucose report only while the member is in her caseload and shares with her coach', async () => {
    const admin = await createStaff(app, ['administrator']);
    const coach = await createStaff(app, ['coach']);
    const otherCoach = await createStaff(app, ['coach']);
    const member = await citizenWithFortnight(app);
    const report = (client: typeof coach.client) =>
      client.get<{ available?: boolean; code?: string }>(
        `/api/v1/participants/${member.accountId}/glucose/report?days=14`,
      );

    // Not in any caseload yet: refused, and the refusal is audited with the coaching purpose.
    expect((await report(coach.client)).status).toBe(403);

    const assigned = await admin.client.post('/api/v1/coaching/caseloads', {
      coachId: coach.accountId,
      participantId: member.accountId,
    });
    expect(assigned.status).toBe(201);
    // In the caseload, but she has not chosen to share with her coach.
    const noConsent = await report(coach.client);
    expect(noConsent.status).toBe(403);
    expect(noConsent.body.code).toBe('consent_required');
    const list = await coach.client.get<{ members: { participantId: string; sharing: boolean }[] }>(
      '/api/v1/me/caseload',
    );
    expect(list.body.members).toEqual([
      expect.objectContaining({ participantId: member.accountId, sharing: false }),
    ]);

    await share(member, 'granted');
    const open = await report(coach.client);
    expect(open.status).toBe(200);
    expect(open.body.available).toBe(true);
    // Another coach, without her in the caseload, still sees nothing.
    expect((await report(otherCoach.client)).status).toBe(403);
    expect((await otherCoach.client.get<{ members: unknown[] }>('/api/v1/me/caseload')).body.members).toEqual(
      [],
    );

    // Withdrawing coach sharing ends the coach's access at once.
    await share(member, 'refused');
    expect((await report(coach.client)).status).toBe(403);
    await share(member, 'granted');
    expect((await report(coach.client)).status).toBe(200);

    // So does the end of the coaching.
    const ended = await admin.client.delete(
      `/api/v1/coaching/caseloads/${coach.accountId}/${member.accountId}`,
    );
    expect(ended.status).toBe(204);
    expect((await report(coach.client)).status).toBe(403);
    expect((await coach.client.get<{ members: unknown[] }>('/api/v1/me/caseload')).body.members).toEqual([]);

    // Every look was decided by the one policy and written to the audit log.
    const entries = await app.audit.search({ participantId: member.accountId, limit: 200 });
    const looks = entries.filter((e) => e.action === 'glucose.read' && e.actorAccountId === coach.accountId);
    expect(looks.map((e) => e.outcome).sort()).toEqual(
      ['denied', 'denied', 'denied', 'denied', 'success', 'success'].sort(),
    );
  });

  it('is changed by administrators only, for real coaches and members, and names the field that is wrong', async () => {
    const admin = await createStaff(app, ['administrator']);
    const coach = await createStaff(app, ['coach']);
    const member = await joinedCitizen(app);
    const pair = { coachId: coach.accountId, participantId: member.accountId };

    expect((await coach.client.post('/api/v1/coaching/caseloads', pair)).status).toBe(403);
    expect((await member.client.post('/api/v1/coaching/caseloads', pair)).status).toBe(403);

    const notACoach = await admin.client.post<{ errors: { pointer: string }[] }>(
      '/api/v1/coaching/caseloads',
      {
        coachId: admin.accountId,
        participantId: member.accountId,
      },
    );
    expect(notACoach.status).toBe(422);
    expect(notACoach.body.errors.map((e) => e.pointer)).toEqual(['#/coachId']);
    const notAMember = await admin.client.post<{ errors: { pointer: string }[] }>(
      '/api/v1/coaching/caseloads',
      {
        coachId: coach.accountId,
        participantId: coach.accountId,
      },
    );
    expect(notAMember.body.errors.map((e) => e.pointer)).toEqual(['#/participantId']);
    const malformed = await admin.client.post<{ errors: { pointer: string }[] }>(
      '/api/v1/coaching/caseloads',
      {
        coachId: 'someone',
      },
    );
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors.map((e) => e.pointer).sort()).toEqual(['#/coachId', '#/participantId']);

    expect((await admin.client.post('/api/v1/coaching/caseloads', pair)).status).toBe(201);
    // Assigning again keeps one coaching; ending twice finds none the second time.
    expect((await admin.client.post('/api/v1/coaching/caseloads', pair)).status).toBe(201);
    expect(
      (await admin.client.delete(`/api/v1/coaching/caseloads/${pair.coachId}/${pair.participantId}`)).status,
    ).toBe(204);
    expect(
      (await admin.client.delete(`/api/v1/coaching/caseloads/${pair.coachId}/${pair.participantId}`)).status,
    ).toBe(404);
  });
});
