import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { type Client, decide, draft, enrol, recruitingStudy, type StudyBody } from './test-support.ts';

// What a study found, back to the people who made it possible: the team publishes news in plain language to
// those who took part (or to the whole panel); members read it on their home page and get it by e-mail, once.

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());

interface NewsBody {
  id: string;
  studyTitle: { en: string };
  title: { nl: string; en: string };
  audience: string;
  code?: string;
  errors?: { pointer: string }[];
}

const news = {
  title: { nl: 'Wat we vonden', en: 'What we found' },
  body: {
    nl: 'Na de maaltijd stijgt glucose bij iedereen.\n\nWandelen na het eten helpt.',
    en: 'Glucose rises after meals in everyone.\n\nA walk after eating helps.',
  },
};

const readNews = (client: Client) =>
  client.get<{ news: { id: string; title: { en: string } }[] }>('/api/v1/me/study-news');

describe('study news', () => {
  let pi: Awaited<ReturnType<typeof createStaff>>;
  let study: StudyBody;
  let taking: Awaited<ReturnType<typeof joinedCitizen>>;
  let left: Awaited<ReturnType<typeof joinedCitizen>>;
  let outsider: Awaited<ReturnType<typeof joinedCitizen>>;

  beforeAll(async () => {
    pi = await createStaff(app, ['researcher']);
    const steward = await createStaff(app, ['data_steward']);
    study = await recruitingStudy(pi.client, steward.client);
    taking = await joinedCitizen(app);
    left = await joinedCitizen(app);
    outsider = await joinedCitizen(app, { contactPreference: 'none' });
    for (const member of [taking, left]) {
      await decide(member, 'research', 'granted');
      await enrol(member, study);
    }
    await left.client.post(`/api/v1/me/studies/${study.id}/withdrawal`);
  });

  it('goes to those who take part: on their home page and by e-mail, once', async () => {
    const since = new Date();
    const published = await pi.client.post<NewsBody>(`/api/v1/research/studies/${study.id}/news`, {
      ...news,
      audience: 'participants',
    });
    expect(published.status).toBe(201);
    expect(published.body.studyTitle.en).toBe(draft.title.en);
    // In the member's language (Dutch here), the text itself and why she gets it.
    const mail = await app.outbox.waitFor(taking.email, { since, subjectIncludes: 'Wat we vonden' });
    expect(mail.text).toContain('Wandelen na het eten helpt.');
    expect(mail.text).toContain('omdat u meedoet of meedeed aan de studie');
    expect((await readNews(taking.client)).body.news.map((n) => n.id)).toEqual([published.body.id]);
    // Whoever left the study, and members who never took part, neither read nor get it.
    expect((await readNews(left.client)).body.news).toEqual([]);
    expect((await readNews(outsider.client)).body.news).toEqual([]);
    // Mailing again (a retried job) mails no one twice.
    expect(await app.news.mail(published.body.id)).toEqual({ mailed: 0 });
    const sent = (await app.outbox.list({ limit: 1000 })).filter((m) => m.subject.includes('Wat we vonden'));
    expect(sent.map((m) => m.to)).toEqual([[taking.email]]);
  });

  it('goes to the whole panel when the team says so; mail only to those who want it', async () => {
    const published = await pi.client.post<NewsBody>(`/api/v1/research/studies/${study.id}/news`, {
      title: { nl: 'Resultaten voor iedereen', en: 'Results for everyone' },
      body: news.body,
      audience: 'panel',
    });
    expect(published.status).toBe(201);
    for (const member of [outsider, left, taking]) {
      expect((await readNews(member.client)).body.news.map((n) => n.title.en)).toContain(
        'Results for everyone',
      );
    }
    // Mail to the two who want it (the outsider wants none: the mailing deals with her without writing).
    for (const member of [left, taking]) {
      await app.outbox.waitFor(member.email, { subjectIncludes: 'Resultaten voor iedereen' });
    }
    expect(await app.news.mail(published.body.id)).toEqual({ mailed: 0 });
    const sent = (await app.outbox.list({ limit: 1000 })).filter((m) =>
      m.subject.includes('Resultaten voor iedereen'),
    );
    expect(sent.flatMap((m) => m.to).sort()).toEqual([left.email, taking.email].sort());
  });

  it('is published by the study team only, once the study is open, with every field checked', async () => {
    const other = await createStaff(app, ['researcher']);
    expect(
      (await other.client.post(`/api/v1/research/studies/${study.id}/news`, { ...news, audience: 'panel' }))
        .status,
    ).toBe(404);
    expect(
      (await taking.client.post(`/api/v1/research/studies/${study.id}/news`, { ...news, audience: 'panel' }))
        .status,
    ).toBe(403);
    const invalid = await pi.client.post<NewsBody>(`/api/v1/research/studies/${study.id}/news`, {
      title: { nl: '', en: 'x' },
      body: news.body,
      audience: 'everyone',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors?.map((e) => e.pointer).sort()).toEqual(['#/audience', '#/title/nl']);
    const created = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    const early = await pi.client.post<NewsBody>(`/api/v1/research/studies/${created.body.id}/news`, {
      ...news,
      audience: 'participants',
    });
    expect(early.status).toBe(409);
    const listed = await pi.client.get<{ news: NewsBody[] }>(`/api/v1/research/studies/${study.id}/news`);
    expect(listed.body.news.map((n) => n.title.en)).toEqual(['Results for everyone', 'What we found']);
  });
});
