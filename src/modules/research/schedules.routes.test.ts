import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStaff,
  createTestApp,
  joinedCitizen,
  PASSWORD,
  type TestApp,
  totpCode,
} from '../../../test/app.ts';
import { importReadings } from '../../../test/glucose.ts';
import { type Client, decide, draft, enrol, ethics, type StudyBody } from './test-support.ts';

// Schedules, told as it goes: a study's timepoints are data, checked field by field and frozen once approved;
// each participant's windows run from their own enrolment in local calendar days (here across the end of
// daylight saving time on 25 October 2026); notifications are mailed when a window opens and once before it
// closes, their opening recorded; tasks are found done in the data (a questionnaire filled in, days of sensor
// wear); the team follows completion and adherence by pseudonym; leaving the study cancels what is left.

const WHO5 = 'https://topfit.nl/fhir/Questionnaire/who5';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// The story starts on Tuesday 20 October 2026, 12:00 in Amsterdam (CEST, UTC+2). Everyone signs in again after
// the clock moves on by days, as sessions end after a day without a request.
let now = Date.parse('2026-10-20T10:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    clock: () => new Date(now),
    env: { SMALL_CELL_MINIMUM: '1', SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '720' },
  });
});
afterAll(() => app?.stop());

type Member = Awaited<ReturnType<typeof joinedCitizen>>;
interface Task {
  id: string;
  timepoint: string;
  occurrence: number;
  status: string;
  opensAt: string;
  closesAt: string;
  completedAt: string | null;
  dataDays: number;
  daysNeeded: number;
  questionnaireId: string | null;
}
interface Monitoring {
  timepoints: {
    timepoint: string;
    occurrence: number;
    upcoming: number;
    open: number;
    done: number;
    missed: number;
    completionRate: number | null;
    meanDataDays: number | null;
  }[];
  subjects: {
    pseudonym: string;
    due: number;
    done: number;
    missed: number;
    open: number;
    adherence: number | null;
  }[];
  overdue: { pseudonym: string; timepoint: string; occurrence: number }[];
  notifications: { sent: number; failed: number; noEmail: number; opened: number; doneAfter: number };
}

const schedule = {
  timepoints: [
    {
      key: 'baseline',
      title: { nl: 'Vragenlijst bij de start', en: 'Baseline questionnaire' },
      task: { kind: 'questionnaire', questionnaire: WHO5 },
      startDay: 0,
      windowDays: 7,
    },
    {
      key: 'cgm',
      title: { nl: 'Glucosesensor dragen', en: 'Wear the glucose sensor' },
      task: { kind: 'wear', measure: 'cgm', days: 3 },
      startDay: 0,
      windowDays: 10,
      repeat: { every: 90, times: 2 },
    },
    {
      key: 'follow-up',
      title: { nl: 'Vragenlijst na vier weken', en: 'Questionnaire after four weeks' },
      task: { kind: 'questionnaire', questionnaire: WHO5 },
      after: { event: 'completed', timepoint: 'baseline' },
      startDay: 28,
      windowDays: 7,
    },
  ],
};

const who5 = (code: string) => ({
  item: [
    {
      linkId: 'wellbeing',
      item: ['who5-1', 'who5-2', 'who5-3', 'who5-4', 'who5-5'].map((linkId) => ({
        linkId,
        answer: [{ valueCoding: { system: 'https://topfit.nl/fhir/CodeSystem/who5', code } }],
      })),
    },
  ],
});

/** Moves the clock to `time` and signs everyone in again, staff with their second factor at that time. */
async function moveTo(time: number, people: { client: Client; email: string; secret?: string }[]) {
  now = time;
  for (const person of people) {
    const answer = await person.client.post('/api/v1/auth/sign-in', {
      email: person.email,
      password: PASSWORD,
    });
    expect(answer.status).toBe(200);
    if (person.secret) {
      const second = await person.client.post('/api/v1/auth/sign-in/mfa', {
        code: totpCode(person.secret, now),
      });
      expect(second.status).toBe(200);
    }
  }
}

const tasksOf = async (member: Member) =>
  (await member.client.get<{ tasks: Task[] }>('/api/v1/me/study-tasks')).body.tasks;
const find = (tasks: Task[], timepoint: string, occurrence = 1) =>
  tasks.find((task) => task.timepoint === timepoint && task.occurrence === occurrence);

describe('schedules', () => {
  let pi: Awaited<ReturnType<typeof createStaff>>;
  let steward: Awaited<ReturnType<typeof createStaff>>;
  let study: StudyBody;
  let first: Member;
  let second: Member;

  const monitoring = async (client: Client = pi.client) =>
    client.get<Monitoring>(`/api/v1/research/studies/${study.id}/monitoring`);

  beforeAll(async () => {
    pi = await createStaff(app, ['researcher']);
    steward = await createStaff(app, ['data_steward']);
    first = await joinedCitizen(app);
    second = await joinedCitizen(app, { contactPreference: 'none' });
    for (const member of [first, second]) await decide(member, 'research', 'granted');
  });

  it('is data, checked field by field, and frozen once the study is approved', async () => {
    const created = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    study = created.body;
    const [baseline, cgm, followUp] = schedule.timepoints as [object, object, object];
    const wrong = await pi.client.patch(`/api/v1/research/studies/${study.id}`, {
      schedule: {
        timepoints: [
          { ...followUp, after: { event: 'completed', timepoint: 'later' } },
          { ...cgm, repeat: { every: 5, times: 2 } },
          { ...cgm, task: { kind: 'wear', measure: 'cgm', days: 11 } },
        ],
      },
    });
    expect(wrong.status).toBe(422);
    expect((wrong.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '#/schedule/timepoints/0/after/timepoint',
      '#/schedule/timepoints/1/repeat/every',
      '#/schedule/timepoints/2/key',
      '#/schedule/timepoints/2/task/days',
    ]);
    const unknown = await pi.client.patch(`/api/v1/research/studies/${study.id}`, {
      schedule: {
        timepoints: [{ ...baseline, task: { kind: 'questionnaire', questionnaire: 'https://x.example/q' } }],
      },
    });
    expect(unknown.status).toBe(422);
    expect((unknown.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '#/schedule/timepoints/0/task/questionnaire',
    ]);
    const saved = await pi.client.patch<StudyBody & { schedule: typeof schedule }>(
      `/api/v1/research/studies/${study.id}`,
      { schedule, ethics },
    );
    expect(saved.status).toBe(200);
    expect(saved.body.schedule.timepoints[0]).toMatchObject({
      after: { event: 'enrolment' },
      remindDaysBeforeClose: 2,
    });
    expect(
      (await steward.client.post(`/api/v1/research/studies/${study.id}/status`, { to: 'approved' })).status,
    ).toBe(200);
    expect((await pi.client.patch(`/api/v1/research/studies/${study.id}`, { schedule })).status).toBe(409);
    const open = await pi.client.post<StudyBody>(`/api/v1/research/studies/${study.id}/status`, {
      to: 'recruiting',
    });
    study = open.body;
  });

  it('runs each participant’s windows from their own enrolment, in local days across the clock change', async () => {
    await enrol(first, study);
    const tasks = await tasksOf(first);
    expect(tasks.map((task) => `${task.timepoint}#${task.occurrence}:${task.status}`)).toEqual([
      'baseline#1:open',
      'cgm#1:open',
      'cgm#2:upcoming',
    ]);
    // Opens at local midnight of the day of enrolment (CEST) and closes at local midnight 7 days on (CET).
    expect(find(tasks, 'baseline')).toMatchObject({
      opensAt: '2026-10-19T22:00:00.000Z',
      closesAt: '2026-10-26T23:00:00.000Z',
      daysNeeded: 1,
    });
    expect(find(tasks, 'baseline')?.questionnaireId).toMatch(/^[0-9a-f-]{36}$/);
    expect(find(tasks, 'cgm')).toMatchObject({ closesAt: '2026-10-29T23:00:00.000Z', daysNeeded: 3 });
    // The second burst 90 days on: 18 January 2027.
    expect(find(tasks, 'cgm', 2)).toMatchObject({
      opensAt: '2027-01-17T23:00:00.000Z',
      closesAt: '2027-01-27T23:00:00.000Z',
    });
    await moveTo(now + 3 * DAY, [second]);
    await enrol(second, study);
    expect(find(await tasksOf(second), 'baseline')).toMatchObject({
      opensAt: '2026-10-22T22:00:00.000Z',
      closesAt: '2026-10-29T23:00:00.000Z',
    });
  });

  it('mails when a window opens, records the link opened and the task done, and reminds once before it closes', async () => {
    const since = new Date();
    expect(await app.studyTasks.sweep()).toEqual({ notified: 4 });
    // The first member wants e-mail: the baseline questionnaire and the sensor; the second wants none.
    const mail = await app.outbox.waitFor(first.email, {
      since,
      subjectIncludes: 'Vragenlijst bij de start',
    });
    await app.outbox.waitFor(first.email, { since, subjectIncludes: 'Glucosesensor dragen' });
    expect(mail.text).toContain('Glucose na de maaltijd');
    expect(await app.studyTasks.sweep()).toEqual({ notified: 0 });
    const token = /\/study-tasks\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    const anonymous = app.client();
    const opened = await anonymous.post<{ title: { en: string } }>(`/api/v1/study-tasks/${token}/opened`);
    expect(opened.status).toBe(200);
    expect(opened.body.title.en).toBe('Baseline questionnaire');
    expect((await anonymous.post(`/api/v1/study-tasks/${'x'.repeat(43)}/opened`)).status).toBe(400);

    // She fills in the questionnaire (23 October): done at that moment; the follow-up opens 28 local days on.
    now += HOUR;
    const baseline = find(await tasksOf(first), 'baseline') as Task;
    const filled = await first.client.post(
      `/api/v1/me/questionnaires/${baseline.questionnaireId}/responses`,
      who5('4'),
    );
    expect(filled.status).toBe(201);
    const tasks = await tasksOf(first);
    expect(find(tasks, 'baseline')).toMatchObject({
      status: 'done',
      completedAt: new Date(now).toISOString(),
    });
    expect(find(tasks, 'follow-up')).toMatchObject({
      status: 'upcoming',
      opensAt: '2026-11-19T23:00:00.000Z',
      closesAt: '2026-11-26T23:00:00.000Z',
    });

    // A day before the sensor's window closes: one reminder, for the sensor only (the questionnaire is done).
    await moveTo(Date.parse('2026-10-28T23:30:00Z'), [first]);
    const remindedSince = new Date();
    expect(await app.studyTasks.sweep()).toEqual({ notified: 2 });
    const reminder = await app.outbox.waitFor(first.email, {
      since: remindedSince,
      subjectIncludes: 'Herinnering',
    });
    expect(reminder.subject).toContain('Glucosesensor dragen');
    expect(await app.studyTasks.sweep()).toEqual({ notified: 0 });
  });

  it('counts days of sensor wear by quarter hours, and completes the task with enough of them', async () => {
    // Two whole days of 5-minute readings from local midnight of 21 October, then 13 hours of the third day
    // (52 of 96 quarter hours: under 70%, not a day of wear).
    const from = Date.parse('2026-10-20T22:00:00Z');
    await importReadings(app, first.accountId, from, 2 * 288 + 156, () => 110);
    expect(find(await tasksOf(first), 'cgm')).toMatchObject({ status: 'open', dataDays: 2 });
    // The rest of the third day (its late data still counts while the window is open).
    await importReadings(app, first.accountId, from + (2 * 288 + 156) * 300_000, 132, () => 120);
    expect(find(await tasksOf(first), 'cgm')).toMatchObject({ status: 'done', dataDays: 3 });
  });

  it('shows the team completion per timepoint, adherence by pseudonym and what is overdue; no one else', async () => {
    await moveTo(Date.parse('2026-10-29T10:00:00Z'), [pi]);
    await app.studyTasks.sweep();
    const answer = await monitoring();
    expect(answer.status).toBe(200);
    const body = answer.body;
    const row = (timepoint: string, occurrence = 1) =>
      body.timepoints.find((t) => t.timepoint === timepoint && t.occurrence === occurrence);
    // The first did both; the second (enrolled 3 days later) missed nothing yet: her windows are open.
    expect(row('baseline')).toMatchObject({ open: 1, done: 1, missed: 0, completionRate: 1 });
    expect(row('cgm')).toMatchObject({ open: 1, done: 1, missed: 0, meanDataDays: 1.5 });
    expect(row('cgm', 2)).toMatchObject({ upcoming: 2 });
    expect(row('follow-up')).toMatchObject({ upcoming: 1 });
    expect(body.subjects.map((s) => [s.due, s.done, s.adherence])).toEqual([
      [2, 2, 1],
      [0, 0, null],
    ]);
    // Mailed to her: both openings and the sensor's reminder; to the other, who wants no e-mail, her two openings
    // and the questionnaire's reminder are recorded as not mailed.
    expect(body.notifications).toMatchObject({ sent: 3, noEmail: 3, failed: 0, opened: 1, doneAfter: 2 });
    for (const name of body.subjects.map((s) => s.pseudonym)) expect(name).toMatch(/^1-[A-Z2-7]{16}$/);
    expect(JSON.stringify(body)).not.toContain(first.accountId);

    // Her windows close undone: missed, and listed as overdue.
    await moveTo(Date.parse('2026-11-02T10:00:00Z'), [pi, first]);
    const later = (await monitoring()).body;
    expect(later.timepoints.find((t) => t.timepoint === 'baseline')).toMatchObject({
      done: 1,
      missed: 1,
      completionRate: 0.5,
    });
    expect(later.overdue.map((o) => `${o.timepoint}#${o.occurrence}`).sort()).toEqual([
      'baseline#1',
      'cgm#1',
    ]);
    expect(later.subjects[0]).toMatchObject({ due: 2, done: 0, adherence: 0 });

    const outsider = await createStaff(app, ['researcher']);
    expect((await monitoring(outsider.client)).status).toBe(404);
    expect((await monitoring(first.client)).status).toBe(403);
  });

  it('cancels what is left when a participant withdraws, and mails her nothing more', async () => {
    expect((await first.client.post(`/api/v1/me/studies/${study.id}/withdrawal`)).status).toBe(200);
    expect(await tasksOf(first)).toEqual([]);
    await moveTo(Date.parse('2026-11-21T08:00:00Z'), [pi]);
    const since = new Date();
    await app.studyTasks.sweep();
    await expect(
      app.outbox.waitFor(first.email, { since, timeoutMs: 500, subjectIncludes: 'vier weken' }),
    ).rejects.toThrow();
    const body = (await monitoring()).body;
    expect(body.subjects).toHaveLength(1);
    expect(body.timepoints.find((t) => t.timepoint === 'follow-up')).toBeUndefined();
  });
});
