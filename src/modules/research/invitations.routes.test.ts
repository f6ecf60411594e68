import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { type Client, decide, draft, ethics, recruitingStudy, type StudyBody } from './test-support.ts';

// Recruitment, told as it goes: the team of a recruiting study invites a batch; only members who pass the
// criteria and consent to research and to being contacted are invited, drawn at random; the team sees counts,
// never who; invitations are mailed at a limited rate with a personal link, reminded once, and answered.
// Here every count is shown (small-cell minimum 1) and two invitations go out a minute.

let now = Date.now();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    clock: () => new Date(now),
    env: { SMALL_CELL_MINIMUM: '1', INVITATION_MAILS_PER_MINUTE: '2' },
  });
});
afterAll(() => app?.stop());

type Member = Awaited<ReturnType<typeof joinedCitizen>>;
interface Batch {
  id: string;
  invited: number | null;
  mailed: number | null;
  reminded: number | null;
  interested: number | null;
  declined: number | null;
  noAnswer: number | null;
}

const invitationLink = /\/study-invitations\/([A-Za-z0-9_-]{43})/;

describe('invitations', () => {
  let pi: Awaited<ReturnType<typeof createStaff>>;
  let steward: Awaited<ReturnType<typeof createStaff>>;
  let study: StudyBody;
  const eligible: Member[] = [];
  let noMail: Member;
  let noContact: Member;
  let batch: Batch;

  const batches = async (client: Client, studyId = study.id) =>
    (await client.get<{ batches: Batch[] }>(`/api/v1/research/studies/${studyId}/recruitment`)).body.batches;

  beforeAll(async () => {
    pi = await createStaff(app, ['researcher']);
    steward = await createStaff(app, ['data_steward']);
    study = await recruitingStudy(pi.client, steward.client);
    // Three who consent to both and want e-mail (one a man), one who consents to both but wants no e-mail,
    // one who consents to research only.
    for (const profile of [{}, { sexAtBirth: 'male' }, {}]) {
      const member = await joinedCitizen(app, profile);
      await decide(member, 'research', 'granted');
      await decide(member, 'study_contact', 'granted');
      eligible.push(member);
    }
    noMail = await joinedCitizen(app, { contactPreference: 'none' });
    await decide(noMail, 'research', 'granted');
    await decide(noMail, 'study_contact', 'granted');
    noContact = await joinedCitizen(app);
    await decide(noContact, 'research', 'granted');
  });

  it('invites only those who pass the criteria and consent to contact; the team sees counts, never who', async () => {
    const since = new Date();
    const made = await pi.client.post<Batch>(`/api/v1/research/studies/${study.id}/invitations`, {
      size: 10,
    });
    expect(made.status).toBe(201);
    batch = made.body;
    // Zero is below the minimum too: withheld like any small count.
    expect(batch).toMatchObject({ invited: 4, interested: null, declined: null, noAnswer: 4 });
    const said = JSON.stringify(await batches(pi.client));
    for (const member of [...eligible, noMail, noContact]) {
      expect(said).not.toContain(member.accountId);
      expect(said).not.toContain(member.email);
    }
    // Two a minute: the job deals with two invitations at once (mailing those who want e-mail), and continues
    // with the rest a minute later (here: at once, by hand).
    for (let i = 0; i < 100 && (await batches(pi.client))[0]?.mailed !== 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await batches(pi.client))[0]?.mailed).toBe(2);
    const early = await app.outbox.list({ limit: 100 });
    expect(early.filter((m) => m.subject.includes('uitgenodigd')).length).toBeLessThanOrEqual(2);
    await app.recruitment.mailBatch(batch.id, 1);
    for (const member of eligible) {
      const mail = await app.outbox.waitFor(member.email, { since, subjectIncludes: 'uitgenodigd' });
      expect(mail.text).toContain(draft.summary.nl);
      expect(mail.text).toMatch(invitationLink);
    }
    await expect(
      app.outbox.waitFor(noContact.email, { since, timeoutMs: 500, subjectIncludes: 'uitgenodigd' }),
    ).rejects.toThrow();
    await expect(
      app.outbox.waitFor(noMail.email, { since, timeoutMs: 500, subjectIncludes: 'uitgenodigd' }),
    ).rejects.toThrow();
    // The one who wants no e-mail finds it on the site.
    const hers = await noMail.client.get<{ invitations: { studyId: string }[] }>('/api/v1/me/invitations');
    expect(hers.body.invitations.map((i) => i.studyId)).toEqual([study.id]);
    expect((await batches(pi.client)).find((b) => b.id === batch.id)).toMatchObject({
      invited: 4,
      mailed: 4,
    });
    // Nobody is invited twice.
    const again = await pi.client.post<Batch>(`/api/v1/research/studies/${study.id}/invitations`, {
      size: 10,
    });
    expect(again.body.invited).toBeNull();
  });

  it('is answered through the personal link without signing in, or on the site; the team sees the totals', async () => {
    const [first, second] = eligible as [Member, Member];
    const mail = await app.outbox.waitFor(first.email, { subjectIncludes: 'uitgenodigd' });
    const token = invitationLink.exec(mail.text)?.[1];
    const anonymous = app.client();
    const seen = await anonymous.get<{ title: { en: string }; response: string | null }>(
      `/api/v1/study-invitations/${token}`,
    );
    expect(seen.body).toMatchObject({ title: draft.title, response: null });
    const declined = await anonymous.post<{ response: string }>(
      `/api/v1/study-invitations/${token}/response`,
      {
        response: 'declined',
      },
    );
    expect(declined.body.response).toBe('declined');
    expect((await anonymous.get(`/api/v1/study-invitations/${'x'.repeat(43)}`)).status).toBe(400);
    const onSite = await second.client.post<{ response: string }>(
      `/api/v1/me/invitations/${study.id}/response`,
      { response: 'interested' },
    );
    expect(onSite.body.response).toBe('interested');
    // Interested makes her a candidate of the study (FHIR ResearchSubject), until she signs its consent.
    const mine = await second.client.get<{ studies: { id: string; myStatus: string | null }[] }>(
      '/api/v1/me/studies',
    );
    expect(mine.body.studies.find((s) => s.id === study.id)?.myStatus).toBe('candidate');
    expect(
      (await noContact.client.post(`/api/v1/me/invitations/${study.id}/response`, { response: 'interested' }))
        .status,
    ).toBe(404);
    expect((await batches(pi.client)).find((b) => b.id === batch.id)).toMatchObject({
      interested: 1,
      declined: 1,
      noAnswer: 2,
    });
  });

  it('reminds once, a week later, those who did not answer', async () => {
    const since = new Date();
    now += 8 * 86_400_000;
    expect(await app.recruitment.sendReminders()).toEqual({ reminded: 1 });
    expect(await app.recruitment.sendReminders()).toEqual({ reminded: 0 });
    now -= 8 * 86_400_000;
    const reminder = await app.outbox.waitFor((eligible[2] as Member).email, {
      since,
      subjectIncludes: 'Herinnering',
    });
    expect(reminder.text).toMatch(invitationLink);
    expect((await batches(pi.client)).find((b) => b.id === batch.id)).toMatchObject({ reminded: 2 });
  });

  it('spreads invitations over strata within the quota, and is for a recruiting study’s team only', async () => {
    const second = await recruitingStudy(pi.client, steward.client);
    const made = await pi.client.post<Batch>(`/api/v1/research/studies/${second.id}/invitations`, {
      size: 10,
      stratifyBy: 'sex',
      perStratum: 1,
    });
    // Four eligible: three women, one man; one of each.
    expect(made.body.invited).toBe(2);
    const more = await pi.client.post<Batch>(`/api/v1/research/studies/${second.id}/invitations`, {
      size: 10,
      stratifyBy: 'sex',
      perStratum: 2,
    });
    expect(more.body.invited).toBe(1);

    const other = await createStaff(app, ['researcher']);
    expect(
      (await other.client.post(`/api/v1/research/studies/${second.id}/invitations`, { size: 1 })).status,
    ).toBe(404);
    expect(
      (
        await (eligible[0] as Member).client.post(`/api/v1/research/studies/${second.id}/invitations`, {
          size: 1,
        })
      ).status,
    ).toBe(403);
    const closedLater = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    await pi.client.patch(`/api/v1/research/studies/${closedLater.body.id}`, { ethics });
    expect(
      (await pi.client.post(`/api/v1/research/studies/${closedLater.body.id}/invitations`, { size: 1 }))
        .status,
    ).toBe(409);
    const invalid = await pi.client.post<{ errors: { pointer: string }[] }>(
      `/api/v1/research/studies/${second.id}/invitations`,
      { size: 0, stratifyBy: 'postcode' },
    );
    expect(invalid.body.errors.map((e) => e.pointer).sort()).toEqual(['#/size', '#/stratifyBy']);
  });
});
