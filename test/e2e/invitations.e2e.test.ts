import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/access/index.ts';
import {
  expectAccessible,
  fetchIn,
  opacity,
  type Platform,
  screenshot,
  startPlatform,
  switchTo,
} from './harness.ts';
import { grantedAtJoining, member, setPasswordAndSignIn, staffMember } from './people.ts';
import { studyOf } from './studies.ts';

// Recruitment: the study's team invites members in the browser and sees only numbers; an invited member opens
// the link from her e-mail without signing in and says she is interested; another answers on her Studies page.
// The harness runs with the default small-cell minimum (10): ten members are invited, so "invited" shows as a
// number, while the one answer shows as "too few to show".

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

/** The small-cell minimum the harness runs with (the platform's default). */
const MINIMUM = 10;

const CYCLING = {
  nl: 'Hoe reageert uw glucose op fietsen naar het werk?',
  en: 'How does your glucose respond to cycling to work?',
};

/** The texts of the cells of the newest batch: date, asked, invited, mailed, reminded, interested, declined, no answer. */
const batchCells = (page: Page): Promise<string[]> =>
  page.getByTestId('invitation-batch').first().getByRole('cell').allInnerTexts();

it('a researcher invites members; a member answers through the link in her e-mail without signing in, another on her Studies page; the team sees only numbers; in Dutch and English, accessible', async () => {
  const team = await platform.person();
  const researcherPage = team.page;
  await staffMember(platform, researcherPage, 'researcher', 'Rik Onderzoeker');
  const me = await fetchIn(researcherPage, '/api/v1/me');
  const pi: Actor = { accountId: me.body.account.id, roles: ['researcher'], mfaVerified: true };
  const cycling = await studyOf(platform, pi, {
    title: { nl: 'Fietsen naar het werk', en: 'Cycling to work' },
    summary: CYCLING,
  });
  const draft = await studyOf(
    platform,
    pi,
    { title: { nl: 'Slapen en eten', en: 'Sleeping and eating' }, summary: CYCLING },
    { open: false },
  );
  const consents = await grantedAtJoining(platform, 'research', 'study_contact');
  const members = [];
  for (let index = 0; index < MINIMUM; index++) {
    members.push(await member(platform, `Lid${index}`, { consents }));
  }

  // A draft does not recruit: the page says so instead of showing the form.
  await researcherPage.goto(`/research/${draft.id}`);
  await researcherPage.getByRole('heading', { level: 1, name: 'Slapen en eten' }).waitFor();
  await researcherPage
    .getByText('U kunt leden uitnodigen zodra het onderzoek open is voor deelnemers', { exact: false })
    .waitFor();
  expect(await researcherPage.getByTestId('invite-form').count()).toBe(0);

  await researcherPage.goto(`/research/${cycling.id}`);
  const section = researcherPage.getByRole('region', { name: 'Werving' });
  await section.getByText('Uw team heeft nog niemand uitgenodigd.').waitFor();
  const form = section.getByTestId('invite-form');
  // Nothing filled in: the field says what it needs.
  await form.getByRole('button', { name: 'Leden uitnodigen' }).click();
  await form.getByText('Typ een heel getal van 1 tot en met 5000.').waitFor();
  await form.getByLabel('Aantal leden om uit te nodigen', { exact: false }).fill(String(MINIMUM));
  await form.getByLabel('Verdelen over groepen (niet verplicht)').selectOption('sex');
  await form.getByLabel('Hoogstens per groep').fill(String(MINIMUM));
  await expectAccessible(researcherPage, 'the invite form');

  // The dialog says who is invited, that nobody is invited twice, and that the team does not see who.
  const since = new Date();
  await form.getByRole('button', { name: 'Leden uitnodigen' }).click();
  const dialog = researcherPage.getByRole('dialog', { name: 'Deze uitnodigingen versturen?' });
  await dialog
    .getByText('toestemming gaven om benaderd te worden voor onderzoeken', { exact: false })
    .waitFor();
  await dialog.getByText('Niemand wordt twee keer uitgenodigd', { exact: false }).waitFor();
  await dialog.getByText('Uw team ziet niet wie er is uitgenodigd.', { exact: false }).waitFor();
  await expect.poll(() => opacity(dialog)).toBe('1');
  await expectAccessible(researcherPage, 'the dialog that confirms the invitations');
  await dialog.getByRole('button', { name: 'Uitnodigingen versturen' }).click();
  await section.getByText(`${MINIMUM} leden zijn uitgenodigd.`, { exact: false }).waitFor();
  await expect.poll(async () => (await batchCells(researcherPage))[2]).toBe(String(MINIMUM));

  // The invitation e-mail, with her personal link.
  const [fenna, gerda] = members;
  if (!fenna || !gerda) throw new Error('no members');
  const mail = await platform.outbox.waitFor(fenna.email, { since, subjectIncludes: 'uitgenodigd' });
  expect(mail.subject).toBe('U bent uitgenodigd voor de studie “Fietsen naar het werk”');
  const link = mail.text.match(/https?:\/\/[^\s"<>]+\/study-invitations\/[A-Za-z0-9_-]{43}/)?.[0];
  if (!link) throw new Error('no invitation link in the mail');

  // She opens it in a browser where nobody is signed in, and says she is interested.
  const visitor = await platform.person();
  const page = visitor.page;
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'Uitnodiging voor een onderzoek' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Fietsen naar het werk' }).waitFor();
  await page.getByText('De onderzoekers weten niet wie er is uitgenodigd.', { exact: false }).waitFor();
  await expectAccessible(page, 'the invitation behind the link');
  await screenshot(page, 'study-invitation-nl');
  await page.getByRole('button', { name: 'Ja, ik heb interesse' }).click();
  await page.getByText('Bedankt! We hebben genoteerd dat u interesse hebt.').waitFor();
  await page.getByRole('link', { name: 'Naar de pagina Onderzoek' }).waitFor();
  await expectAccessible(page, 'the invitation, answered');
  await switchTo(page, 'en');
  await page.getByRole('heading', { level: 2, name: 'Cycling to work' }).waitFor();
  await page.getByText('Thank you! We noted that you are interested.').waitFor();
  await page.getByRole('link', { name: 'Go to the Studies page' }).waitFor();
  await expectAccessible(page, 'the invitation, answered, in English');
  await screenshot(page, 'study-invitation-en');

  // Opened again, the link shows her answer; a broken link says kindly that it does not work.
  await page.reload();
  await page.getByText('Your answer: you are interested', { exact: false }).waitFor();
  await page.goto('/study-invitations/not-a-real-link');
  await page
    .getByTestId('invitation-invalid')
    .getByText('This link does not work', { exact: false })
    .waitFor();
  await expectAccessible(page, 'a broken invitation link');
  await visitor.context.close();

  // Another invited member answers on her Studies page, signed in.
  const gerdaBrowser = await platform.person();
  await setPasswordAndSignIn(gerdaBrowser.page, gerda.setPasswordUrl, gerda.email);
  await gerdaBrowser.page.getByTestId('sign-out').waitFor();
  await gerdaBrowser.page.goto('/studies');
  const invitations = gerdaBrowser.page.getByRole('region', { name: 'Uw uitnodigingen' });
  const invitation = invitations.getByRole('article', { name: 'Fietsen naar het werk' });
  await invitation.getByRole('button', { name: 'Nee, dank u' }).click();
  await invitation.getByText('Uw antwoord: nee, dank u', { exact: false }).waitFor();
  await expectAccessible(gerdaBrowser.page, 'my invitations on the Studies page');
  await gerdaBrowser.context.close();

  // The team sees numbers: ten invited and e-mailed; the single answers are too few to show.
  await expect
    .poll(
      async () => {
        await researcherPage.reload();
        await researcherPage.getByTestId('invitation-batch').first().waitFor();
        return (await batchCells(researcherPage)).slice(2, 4);
      },
      { timeout: 20_000, interval: 1000 },
    )
    .toEqual([String(MINIMUM), String(MINIMUM)]);
  const cells = await batchCells(researcherPage);
  expect(cells[1]).toContain('Verdeeld naar: Geslacht bij geboorte, hoogstens 10 per groep');
  expect(cells.slice(4)).toEqual([
    'te weinig om te tonen',
    'te weinig om te tonen',
    'te weinig om te tonen',
    'te weinig om te tonen',
  ]);
  await expectAccessible(researcherPage, 'the recruitment table');
  await screenshot(researcherPage, 'recruitment-nl');
  await switchTo(researcherPage, 'en');
  await researcherPage.getByRole('region', { name: 'Recruitment' }).getByText('Invitations sent').waitFor();
  expect((await batchCells(researcherPage))[5]).toBe('too few to show');
  await expectAccessible(researcherPage, 'the recruitment table, in English');
  await screenshot(researcherPage, 'recruitment-en');
  await team.context.close();
});
