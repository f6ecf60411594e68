import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/access/index.ts';
import { expectAccessible, fetchIn, type Platform, screenshot, startPlatform, switchTo } from './harness.ts';
import { grantedAtJoining, member, PASSWORD, setPassword, staffMember } from './people.ts';
import { staffActor, studyOf } from './studies.ts';

// Schedules: the principal investigator sets her draft study's timepoints in the browser (the server's refusal
// lands at the field), the study is approved and recruits, a member takes part and is mailed when her tasks
// open; she follows the link without being signed in, signs in to "My tasks", fills in the questionnaire and
// sees it done, the follow-up now planned; the team sees it in the monitoring, by pseudonym.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

const WHO5_NL = 'Hoe voelt u zich? (WHO-5)';

/** The texts of the cells of a row of a table. */
const cells = (row: ReturnType<Page['getByTestId']>) => row.getByRole('cell').allInnerTexts();

/** Fills in the timepoint form: titles, short name, what to do, when, and for how long. */
async function fillTimepoint(
  page: Page,
  point: {
    nl: string;
    en: string;
    key: string;
    kind?: string;
    questionnaire?: string;
    days?: string;
    after?: string;
    startDay?: string;
    windowDays: string;
    repeat?: { every: string; times: string };
  },
) {
  const form = page.getByTestId('timepoint-form');
  await form.getByLabel('Titel in het Nederlands', { exact: true }).fill(point.nl);
  await form.getByLabel('Titel in het Engels', { exact: true }).fill(point.en);
  await form.getByLabel('Korte naam', { exact: true }).fill(point.key);
  if (point.kind) await form.getByRole('radio', { name: point.kind }).check();
  if (point.questionnaire) {
    await form.getByLabel('Vragenlijst', { exact: true }).selectOption({ label: point.questionnaire });
  }
  if (point.days) await form.getByLabel('Benodigde dagen met gegevens', { exact: true }).fill(point.days);
  if (point.after)
    await form.getByLabel('Tellen vanaf', { exact: true }).selectOption({ label: point.after });
  if (point.startDay) await form.getByLabel('Begint na (dagen)', { exact: true }).fill(point.startDay);
  await form.getByLabel('Open gedurende (dagen)', { exact: true }).fill(point.windowDays);
  if (point.repeat) {
    await form.getByLabel('Dit meetmoment herhalen', { exact: true }).check();
    await form.getByLabel('Elke (dagen)', { exact: true }).fill(point.repeat.every);
    await form.getByLabel('Aantal keer in totaal', { exact: true }).fill(point.repeat.times);
  }
}

it('a researcher sets a schedule; a member follows the link in her e-mail to her tasks and fills in the questionnaire; the team follows it; in Dutch and English, accessible', async () => {
  const team = await platform.person();
  const researcherPage = team.page;
  await staffMember(platform, researcherPage, 'researcher', 'Sanne Onderzoeker');
  const me = await fetchIn(researcherPage, '/api/v1/me');
  const pi: Actor = { accountId: me.body.account.id, roles: ['researcher'], mfaVerified: true };
  const draft = await studyOf(
    platform,
    pi,
    {
      title: { nl: 'Welzijn en glucose', en: 'Wellbeing and glucose' },
      summary: {
        nl: 'Hoe hangt uw welzijn samen met uw glucose?',
        en: 'How does your wellbeing relate to your glucose?',
      },
    },
    { open: false },
  );

  // The draft has no timepoints yet; a form with nothing filled in says what each field needs.
  await researcherPage.goto(`/research/${draft.id}`);
  await researcherPage.getByRole('heading', { level: 1, name: 'Welzijn en glucose' }).waitFor();
  const section = researcherPage.getByRole('region', { name: 'Schema' });
  await section.getByText('Dit onderzoek heeft nog geen meetmomenten.', { exact: false }).waitFor();
  await section.getByRole('button', { name: 'Meetmoment toevoegen' }).click();
  const form = section.getByTestId('timepoint-form');
  await form.getByRole('button', { name: 'Toevoegen aan het schema' }).click();
  await form.getByText('Typ een titel in het Nederlands', { exact: false }).waitFor();
  await form.getByText('Kies een vragenlijst die in gebruik is.').waitFor();
  await form.getByText('Typ een heel getal van 1 tot en met 365.').waitFor();
  await expectAccessible(researcherPage, 'the timepoint form with its errors');

  // Three timepoints: a questionnaire at the start, a sensor worn twice (its repeat too close), and a
  // follow-up four weeks after the start questionnaire is done.
  await fillTimepoint(researcherPage, {
    nl: 'Vragenlijst bij de start',
    en: 'Baseline questionnaire',
    key: 'baseline',
    questionnaire: WHO5_NL,
    windowDays: '7',
  });
  await form.getByRole('button', { name: 'Toevoegen aan het schema' }).click();
  await section.getByRole('button', { name: 'Meetmoment toevoegen' }).click();
  await fillTimepoint(researcherPage, {
    nl: 'Glucosesensor dragen',
    en: 'Wear the glucose sensor',
    key: 'cgm',
    kind: 'Een glucosesensor of een stappenteller dragen',
    days: '3',
    windowDays: '10',
    repeat: { every: '5', times: '2' },
  });
  await form.getByRole('button', { name: 'Toevoegen aan het schema' }).click();
  await section.getByRole('button', { name: 'Meetmoment toevoegen' }).click();
  await fillTimepoint(researcherPage, {
    nl: 'Vragenlijst na vier weken',
    en: 'Questionnaire after four weeks',
    key: 'follow-up',
    questionnaire: WHO5_NL,
    after: '“Vragenlijst bij de start” klaar',
    startDay: '28',
    windowDays: '7',
  });
  await form.getByRole('button', { name: 'Toevoegen aan het schema' }).click();
  const rows = section.getByTestId('timepoint');
  await expect.poll(() => rows.count()).toBe(3);
  expect(await cells(rows.nth(2))).toEqual([
    expect.stringMatching(/^Vragenlijst na vier weken\s+follow-up$/),
    `“${WHO5_NL}” invullen`,
    '28 dagen nadat “Vragenlijst bij de start” klaar is',
    '7 dagen',
    'Eenmalig',
    '2 dagen voor het sluiten',
    expect.any(String),
  ]);

  // The follow-up moves above the sensor, but not above the questionnaire it follows.
  await section.getByRole('button', { name: 'Omhoog: Vragenlijst na vier weken' }).click();
  await section.getByRole('button', { name: 'Omhoog: Vragenlijst na vier weken' }).click();
  await section
    .getByText('“Vragenlijst na vier weken” volgt op “Vragenlijst bij de start”', { exact: false })
    .waitFor();
  expect((await cells(rows.nth(1)))[0]).toContain('Vragenlijst na vier weken');

  // Saving: the server finds the sensor's times overlapping, and says so at the field.
  await section.getByRole('button', { name: 'Schema opslaan' }).click();
  await section.getByText('Het schema is niet opgeslagen.', { exact: false }).waitFor();
  await form.getByRole('heading', { name: '“Glucosesensor dragen” wijzigen' }).waitFor();
  await form
    .getByText('minstens het aantal dagen dat het openstaat, zodat de keren', { exact: false })
    .waitFor();
  await expectAccessible(researcherPage, 'the schedule with the server’s field error');
  await form.getByLabel('Elke (dagen)', { exact: true }).fill('90');
  await form.getByRole('button', { name: 'Wijzigingen overnemen' }).click();
  await section.getByRole('button', { name: 'Schema opslaan' }).click();
  await section.getByText('Het schema is opgeslagen.').waitFor();
  expect((await cells(rows.nth(2))).slice(1, 6)).toEqual([
    'Glucosesensor dragen: 3 dagen met genoeg gegevens',
    'Op de dag dat de deelname begint',
    '10 dagen',
    '2 keer, elke 90 dagen',
    '2 dagen voor het sluiten',
  ]);
  await expectAccessible(researcherPage, 'the saved schedule');
  await screenshot(researcherPage, 'schedule-nl');
  await switchTo(researcherPage, 'en');
  const english = researcherPage.getByRole('region', { name: 'Schedule' });
  await english.getByText('28 days after “Baseline questionnaire” is done').waitFor();
  await expectAccessible(researcherPage, 'the saved schedule, in English');
  await screenshot(researcherPage, 'schedule-en');
  await switchTo(researcherPage, 'nl');

  // Approved and recruiting: the schedule is part of the protocol now.
  const steward = await staffActor(platform, 'data_steward', 'Databeheerder');
  await platform.app.research.advance(steward, draft.id, 'approved');
  const study = await platform.app.research.advance(pi, draft.id, 'recruiting');
  await researcherPage.reload();
  await section.getByText('Het schema hoort nu bij het protocol', { exact: false }).waitFor();
  expect(await section.getByRole('button', { name: 'Meetmoment toevoegen' }).count()).toBe(0);

  // A member takes part; the sweep plans her tasks and mails her those that open today.
  const noor = await member(platform, 'Noor', { consents: await grantedAtJoining(platform, 'research') });
  await platform.app.research.enrol(
    { accountId: noor.accountId, roles: ['citizen'], mfaVerified: false },
    study.id,
    {
      consentVersion: study.consent.version,
      consentSha256: study.consent.sha256,
    },
  );
  const since = new Date();
  await platform.app.studyTasks.sweep();
  const mail = await platform.outbox.waitFor(noor.email, {
    since,
    subjectIncludes: 'Vragenlijst bij de start',
  });
  const link = mail.text.match(/https?:\/\/[^\s"<>]+\/study-tasks\/[A-Za-z0-9_-]{43}/)?.[0];
  if (!link) throw new Error('no task link in the mail');

  // She opens the link before signing in: which task, until when, and the way to her tasks.
  const memberBrowser = await platform.person();
  const page = memberBrowser.page;
  await setPassword(page, noor.setPasswordUrl);
  await page.goto('/study-tasks/not-a-real-link');
  await page.getByTestId('task-link-invalid').getByText('Deze link werkt niet', { exact: false }).waitFor();
  await expectAccessible(page, 'a broken task link');
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'Een taak voor uw onderzoek' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Vragenlijst bij de start' }).waitFor();
  expect(await page.getByTestId('task-link-until').innerText()).toMatch(
    /^U kunt dit doen tot en met \S+dag \d+ \w+ \d{4}\.$/,
  );
  await expectAccessible(page, 'the task behind the link');
  await page.getByRole('link', { name: 'Inloggen en naar mijn taken' }).click();
  await page.getByLabel('E-mailadres', { exact: true }).fill(noor.email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();

  // My tasks: the questionnaire and the sensor are open, the sensor's second time comes later.
  const tasks = page.getByRole('region', { name: 'Mijn taken' });
  const baseline = tasks.getByRole('article', { name: 'Vragenlijst bij de start' });
  await baseline.getByTestId('task-until').getByText('Tot en met', { exact: false }).waitFor();
  expect(new URL(page.url()).hash).toBe('#tasks');
  const sensor = tasks.getByRole('article', { name: 'Glucosesensor dragen (1 van 2)' });
  expect(await sensor.getByTestId('task-progress').innerText()).toBe(
    'Tot nu toe 0 van 3 dagen met gegevens.',
  );
  await sensor.getByRole('link', { name: 'Gegevens importeren' }).waitFor();
  await tasks.getByTestId('task-upcoming').getByText('Glucosesensor dragen (2 van 2)').waitFor();
  await expectAccessible(page, 'my tasks');
  await screenshot(page, 'study-tasks-nl');
  await switchTo(page, 'en');
  const myTasks = page.getByRole('region', { name: 'My tasks' });
  await myTasks
    .getByRole('article', { name: 'Baseline questionnaire' })
    .getByText('Until and including', { exact: false })
    .waitFor();
  await expectAccessible(page, 'my tasks, in English');
  await screenshot(page, 'study-tasks-en');
  await switchTo(page, 'nl');

  // She fills in the questionnaire from her task, and finds it done; the follow-up is planned.
  await baseline.getByRole('link', { name: 'Vragenlijst invullen' }).click();
  await page.getByRole('heading', { level: 1, name: WHO5_NL }).waitFor();
  for (const statement of ['opgewekt', 'rustig', 'actief', 'fris', 'dagelijks leven']) {
    await page
      .getByRole('group', { name: new RegExp(statement) })
      .getByRole('radio', { name: 'Meestal', exact: true })
      .check();
  }
  await page.getByTestId('questionnaire-next').click();
  await page.getByTestId('questionnaire-submit').click();
  await page.getByTestId('questionnaire-thanks').waitFor();
  await page.goto('/studies#tasks');
  await tasks.getByTestId('task-upcoming').getByText('Vragenlijst na vier weken').waitFor();
  expect(await tasks.getByRole('article', { name: 'Vragenlijst bij de start' }).count()).toBe(0);
  await tasks.getByTestId('tasks-past').getByText('Gedaan en gemist (1)').click();
  await tasks.getByTestId('task-past').getByText('gedaan op', { exact: false }).waitFor();
  await expectAccessible(page, 'my tasks, one done');
  await memberBrowser.context.close();

  // The team sees it done, by pseudonym, with the e-mails that went out and the link she opened.
  await researcherPage.reload();
  const monitoring = researcherPage.getByRole('region', { name: 'Voortgang' });
  const first = monitoring.getByTestId('monitoring-timepoint').first();
  await first.waitFor();
  expect(await cells(first)).toEqual([
    'Vragenlijst bij de start',
    '0',
    '0',
    '1',
    '0',
    '100% (1 van 1)',
    'niet van toepassing',
  ]);
  const subject = await cells(monitoring.getByTestId('monitoring-subject'));
  expect(subject[0]).toMatch(/^1-[A-Z2-7]{16}$/);
  expect(subject.slice(1, 6)).toEqual(['1', '1', '0', '1', '100%']);
  await monitoring.getByText('Er is niets verlopen.').waitFor();
  expect(await cells(monitoring.getByTestId('monitoring-notifications'))).toEqual(['2', '0', '0', '1', '1']);
  await expectAccessible(researcherPage, 'the monitoring');
  await screenshot(researcherPage, 'monitoring-nl');
  await switchTo(researcherPage, 'en');
  const englishMonitoring = researcherPage.getByRole('region', { name: 'Monitoring' });
  await englishMonitoring.getByText('Nothing is overdue.').waitFor();
  expect((await cells(englishMonitoring.getByTestId('monitoring-timepoint').first()))[0]).toBe(
    'Baseline questionnaire',
  );
  await expectAccessible(researcherPage, 'the monitoring, in English');
  await screenshot(researcherPage, 'monitoring-en');
  await team.context.close();
});
