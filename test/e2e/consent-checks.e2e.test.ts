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
import { grantedAtJoining, signedInMember, staffMember } from './people.ts';
import { staffActor, studyOf } from './studies.ts';

// Consent that is understood and countersigned, and a researcher's script with its own key, in the browser: a
// researcher asks questions on the consent and turns on countersigning; a member answers one wrong, is told so at
// that question, answers right, signs and waits; the researcher countersigns and she takes part. Then a
// researcher makes a personal API token, a script reads with it what it may (and nothing else), and it is revoked.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

const TITLE = { nl: 'Slapen en glucose', en: 'Sleep and glucose' };

/** A researcher signed in with two steps in her own browser, and who she is to the services. */
async function researcherIn(page: Page, name: string): Promise<Actor> {
  await staffMember(platform, page, 'researcher', name);
  const me = await fetchIn(page, '/api/v1/me');
  return { accountId: me.body.account.id, roles: ['researcher'], mfaVerified: true };
}

it('a researcher asks questions on the consent and countersigns; a member answers one wrong, then right, signs, waits, and takes part; in Dutch and English, accessible', async () => {
  const research = platform.app.research;
  const team = await platform.person();
  const page = team.page;
  const pi = await researcherIn(page, 'Rianne Onderzoeker');
  const draft = await studyOf(
    platform,
    pi,
    {
      title: TITLE,
      summary: {
        nl: 'Hoe hangt uw slaap samen met uw glucose? U draagt twee weken een sensor.',
        en: 'How does your sleep relate to your glucose? You wear a sensor for two weeks.',
      },
    },
    { open: false },
  );

  // In the study's settings, two questions on the consent, and countersigning.
  await page.goto(`/research/${draft.id}/settings`);
  const form = page.getByTestId('consent-questions-form');
  await form.getByText('Nog geen vragen', { exact: false }).waitFor();
  await form.getByRole('button', { name: 'Vraag toevoegen' }).click();
  const first = form.getByRole('group', { name: 'Vraag 1', exact: true });
  // The new question takes the focus, so a keyboard user lands in it.
  await expect
    .poll(() => first.evaluate((element) => element === element.ownerDocument.activeElement))
    .toBe(true);
  // Nothing filled in: each text and the right option say so at their field.
  await form.getByRole('button', { name: 'Vragen en medeondertekening opslaan' }).click();
  await first.getByText('Kies welk antwoord goed is.').waitFor();
  expect(await first.getByText('Vul dit in.').count()).toBe(6);
  await first.getByLabel('Vraag in het Nederlands').fill('Mag ik op elk moment stoppen?');
  await first.getByLabel('Vraag in het Engels').fill('May I stop at any time?');
  await first.getByLabel('Antwoord 1 in het Nederlands').fill('Ja');
  await first.getByLabel('Antwoord 1 in het Engels').fill('Yes');
  await first.getByLabel('Antwoord 2 in het Nederlands').fill('Nee');
  await first.getByLabel('Antwoord 2 in het Engels').fill('No');
  await first.getByRole('radio', { name: 'Antwoord 1', exact: true }).check();

  await form.getByRole('button', { name: 'Vraag toevoegen' }).click();
  const second = form.getByRole('group', { name: 'Vraag 2', exact: true });
  await second.getByLabel('Vraag in het Nederlands').fill('Wie ziet mijn naam?');
  await second.getByLabel('Vraag in het Engels').fill('Who sees my name?');
  await second.getByLabel('Antwoord 1 in het Nederlands').fill('De onderzoekers');
  await second.getByLabel('Antwoord 1 in het Engels').fill('The researchers');
  await second.getByLabel('Antwoord 2 in het Nederlands').fill('Niemand van het onderzoeksteam');
  await second.getByLabel('Antwoord 2 in het Engels').fill('Nobody of the study team');
  await second.getByRole('button', { name: 'Een antwoord toevoegen aan vraag 2' }).click();
  // The new option takes the focus where its text is typed.
  const third = second.getByLabel('Antwoord 3 in het Nederlands');
  await expect
    .poll(() => third.evaluate((element) => element === element.ownerDocument.activeElement))
    .toBe(true);
  await third.fill('Iedereen');
  await second.getByLabel('Antwoord 3 in het Engels').fill('Everyone');
  await second.getByRole('radio', { name: 'Antwoord 2', exact: true }).check();
  await form.getByRole('switch', { name: 'Medeondertekening door een onderzoeker' }).check();
  await form.getByText('Wijzigingen nog niet opgeslagen.').waitFor();
  await form.getByRole('button', { name: 'Vragen en medeondertekening opslaan' }).click();
  await form.getByText('De vragen en de medeondertekening zijn opgeslagen.').waitFor();
  const saved = await research.get(pi, draft.id);
  expect(saved.countersign).toBe(true);
  expect(saved.consentQuestions).toEqual([
    {
      question: { nl: 'Mag ik op elk moment stoppen?', en: 'May I stop at any time?' },
      options: [
        { nl: 'Ja', en: 'Yes' },
        { nl: 'Nee', en: 'No' },
      ],
      answer: 0,
    },
    {
      question: { nl: 'Wie ziet mijn naam?', en: 'Who sees my name?' },
      options: [
        { nl: 'De onderzoekers', en: 'The researchers' },
        { nl: 'Niemand van het onderzoeksteam', en: 'Nobody of the study team' },
        { nl: 'Iedereen', en: 'Everyone' },
      ],
      answer: 1,
    },
  ]);
  await expectAccessible(page, 'the questions on the consent, being written');
  await switchTo(page, 'en');
  await form
    .getByRole('group', { name: 'Question 2', exact: true })
    .getByLabel('Option 3 in English')
    .waitFor();
  await expectAccessible(page, 'the questions on the consent, in English');
  await switchTo(page, 'nl');

  // Approved and recruiting (as the lifecycle's own test does it in the browser): the questions are fixed.
  await research.advance(await staffActor(platform, 'data_steward'), draft.id, 'approved');
  await research.advance(pi, draft.id, 'recruiting');
  await page.reload();
  const frozen = page.getByTestId('consent-questions-frozen');
  await frozen.getByText('Niemand van het onderzoeksteam (het goede antwoord)').waitFor();
  expect(await page.getByTestId('consent-questions-form').count()).toBe(0);

  // A member reads the consent and answers the questions: one wrong first.
  const memberBrowser = await platform.person();
  const member = memberBrowser.page;
  await signedInMember(platform, member, 'Sanne', {
    consents: await grantedAtJoining(platform, 'personal_insights', 'research'),
  });
  await member.getByRole('navigation').getByRole('link', { name: 'Onderzoek' }).click();
  const card = member.getByRole('article', { name: TITLE.nl });
  const questions = card.getByTestId('consent-question');
  await card.getByRole('radiogroup', { name: 'Wie ziet mijn naam?' }).waitFor();
  await card.getByLabel('Ik heb de tekst hierboven gelezen en ik wil meedoen').check();
  // Not answered: said at each question, and nothing is sent.
  await card.getByRole('button', { name: 'Meedoen', exact: true }).click();
  expect(await card.getByText('Kies een antwoord.').count()).toBe(2);
  const stopping = card.getByRole('radiogroup', { name: 'Mag ik op elk moment stoppen?' });
  await stopping.getByRole('radio', { name: 'Ja', exact: true }).check();
  // Answered with the keyboard: the arrow keys move through a question's options.
  const name = card.getByRole('radiogroup', { name: 'Wie ziet mijn naam?' });
  await name.getByRole('radio', { name: 'Iedereen', exact: true }).check();
  await member.keyboard.press('ArrowUp');
  await member.keyboard.press('ArrowUp');
  expect(await name.getByRole('radio', { name: 'De onderzoekers', exact: true }).isChecked()).toBe(true);
  await card.getByRole('button', { name: 'Meedoen', exact: true }).click();
  const wrong = 'Niet goed: lees dit deel van de toestemmingsverklaring nog eens.';
  await questions.nth(1).getByText(wrong).waitFor();
  expect(await questions.nth(0).getByText(wrong).count()).toBe(0);
  await card.getByText('Nog niet elke vraag is goed beantwoord.', { exact: false }).waitFor();
  expect(await research.awaitingCountersignature(pi, draft.id)).toEqual([]);
  await expectAccessible(member, 'a study’s questions on its consent, one answered wrong');
  await screenshot(member, 'consent-questions-nl');
  await switchTo(member, 'en');
  const english = member.getByRole('article', { name: TITLE.en });
  await english
    .getByTestId('consent-question')
    .nth(1)
    .getByText('Not right: read this part of the consent again.')
    .waitFor();
  await english.getByRole('radiogroup', { name: 'Who sees my name?' }).waitFor();
  await expectAccessible(member, 'a study’s questions on its consent, in English');
  await screenshot(member, 'consent-questions-en');
  await switchTo(member, 'nl');

  // Answered right and signed: she waits for the countersignature.
  await name.getByRole('radio', { name: 'Niemand van het onderzoeksteam', exact: true }).check();
  expect(await card.getByText(wrong).count()).toBe(0);
  await card.getByRole('button', { name: 'Meedoen', exact: true }).click();
  await card
    .getByTestId('study-my-status')
    .getByText('Ondertekend — wacht op de handtekening van de onderzoeker')
    .waitFor();
  await card.getByTestId('study-waiting').waitFor();
  await card.getByRole('button', { name: 'Stoppen met meedoen' }).waitFor();
  await expectAccessible(member, 'a study signed, waiting for the countersignature');

  // The researcher countersigns on the study's overview, by pseudonym.
  await page
    .getByRole('navigation', { name: 'Onderdelen van dit onderzoek' })
    .getByRole('link', { name: 'Overzicht' })
    .click();
  const countersign = page.getByRole('region', { name: 'Handtekeningen die wachten op medeondertekening' });
  const waiting = countersign.getByRole('table', { name: '1 handtekening wacht' });
  const pseudonym = await waiting.getByTestId('awaiting-countersignature').locator('code').innerText();
  expect(pseudonym).toMatch(/^1-[A-Z2-7]{16}$/);
  await page.getByRole('region', { name: 'Deelnemers' }).getByText('Er doet nog niemand mee.').waitFor();
  await expectAccessible(page, 'signatures to countersign');
  await screenshot(page, 'countersign-nl');
  await switchTo(page, 'en');
  await page
    .getByRole('region', { name: 'Signatures to countersign' })
    .getByRole('button', { name: `Countersign the signature of ${pseudonym}` })
    .waitFor();
  await expectAccessible(page, 'signatures to countersign, in English');
  await screenshot(page, 'countersign-en');
  await switchTo(page, 'nl');
  await countersign.getByRole('button', { name: `Medeondertekenen (handtekening van ${pseudonym})` }).click();
  await countersign.getByText(`Medeondertekend: ${pseudonym} doet vanaf nu mee.`).waitFor();
  await countersign.getByText('Er wachten geen handtekeningen op medeondertekening.').waitFor();
  await page
    .getByRole('table', { name: '1 deelnemer' })
    .getByRole('row', { name: new RegExp(`${pseudonym}\\s+Doet mee`) })
    .waitFor();
  expect(await research.subjects(pi, draft.id)).toEqual([
    expect.objectContaining({ pseudonym, status: 'enrolled' }),
  ]);

  // She takes part now.
  await member.reload();
  await card.getByTestId('study-my-status').getByText('U doet mee').waitFor();
  await memberBrowser.context.close();
  await team.context.close();
});

it('a researcher makes an API token on her account page, a script reads with it only what it may, and it is revoked; in Dutch and English, accessible', async () => {
  const { context, page } = await platform.person();
  const pi = await researcherIn(page, 'Sven Scripter');
  await studyOf(
    platform,
    pi,
    {
      title: { nl: 'Stappen in de winter', en: 'Steps in winter' },
      summary: { nl: 'Hoeveel loopt u als het koud is?', en: 'How much do you walk when it is cold?' },
    },
    { open: false },
  );
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.url });

  await page.goto('/account');
  const section = page.getByRole('region', { name: 'API-tokens voor scripts' });
  await section.getByText('U hebt geen tokens.').waitFor();
  const form = section.getByTestId('api-token-form');
  // A token lives at most 90 days: said at the field.
  await form.getByLabel('Naam', { exact: true }).fill('R-analyse');
  await form.getByLabel('Geldig (dagen)').fill('91');
  await form.getByRole('button', { name: 'Token maken' }).click();
  await form.getByText('Geef een heel aantal dagen van 1 tot en met 90.').waitFor();
  await form.getByLabel('Geldig (dagen)').fill('30');
  await form.getByRole('button', { name: 'Token maken' }).click();

  // Shown once, with a warning, and copied.
  const made = section.getByTestId('api-token-new');
  await made.getByText('U ziet dit token alleen nu.', { exact: false }).waitFor();
  const token = (await made.getByTestId('api-token-value').innerText()).trim();
  expect(token).toMatch(/^tfp_[A-Za-z0-9_-]{43}$/);
  await made.getByRole('button', { name: 'Token kopiëren' }).click();
  await made.getByRole('button', { name: 'Gekopieerd' }).waitFor();
  const copied = await page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText: () => Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(copied).toBe(token);
  const row = section.getByRole('table', { name: 'Uw tokens' }).getByTestId('api-token');
  await row.getByRole('cell', { name: 'R-analyse', exact: true }).waitFor();
  await row.getByText('Actief').waitFor();
  await section.getByTestId('api-token-r').getByText('req_auth_bearer_token', { exact: false }).waitFor();
  await expectAccessible(page, 'API tokens, a new one shown once');
  await screenshot(page, 'api-tokens-nl');
  await switchTo(page, 'en');
  const english = page.getByRole('region', { name: 'API tokens for scripts' });
  await english.getByText('This is the only time you see this token.', { exact: false }).waitFor();
  await expectAccessible(page, 'API tokens, in English');
  await screenshot(page, 'api-tokens-en');
  await switchTo(page, 'nl');

  // A script: no cookies, only the token. It reads the researcher's studies, and nothing else.
  const script = (path: string) =>
    fetch(new URL(path, platform.url), { headers: { authorization: `Bearer ${copied}` } });
  const studies = await script('/api/v1/research/studies');
  expect(studies.status).toBe(200);
  expect(((await studies.json()) as { studies: { title: { nl: string } }[] }).studies).toEqual([
    expect.objectContaining({ title: expect.objectContaining({ nl: 'Stappen in de winter' }) }),
  ]);
  expect((await script('/api/v1/me')).status).toBe(403);

  // Revoked after a confirmation: it stops working at once.
  await row.getByRole('button', { name: 'Intrekken R-analyse' }).click();
  const dialog = page.getByRole('dialog', { name: 'Dit token intrekken?' });
  await expect.poll(() => opacity(dialog)).toBe('1');
  await dialog
    .getByText('Scripts die ‘R-analyse’ gebruiken, werken meteen niet meer.', { exact: false })
    .waitFor();
  await expectAccessible(page, 'revoking a token');
  await dialog.getByRole('button', { name: 'Token intrekken' }).click();
  await row.getByText('Ingetrokken op', { exact: false }).waitFor();
  expect(await row.getByText('Nooit').count()).toBe(0);
  expect((await script('/api/v1/research/studies')).status).toBe(401);
  await context.close();
});
