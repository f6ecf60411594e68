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
import { grantedAtJoining, member, setPasswordAndSignIn, signedInMember, staffMember } from './people.ts';
import { staffActor, studyOf } from './studies.ts';

// What a study found, back to those who made it possible: the team publishes news in the browser, the member
// who takes part reads it on her home page and gets it by e-mail. And before taking part, a member asks
// "Can I take part?" and sees, step by step, which of the study's conditions she meets.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

const WALKING = {
  nl: 'Hoe reageert uw glucose op wandelen na het eten?',
  en: 'How does your glucose respond to a walk after eating?',
};

it('a researcher publishes news to those who took part; the member reads it on her home page and gets it by e-mail; in Dutch and English, accessible', async () => {
  const team = await platform.person();
  const researcherPage = team.page;
  await staffMember(platform, researcherPage, 'researcher', 'Romy Onderzoeker');
  const me = await fetchIn(researcherPage, '/api/v1/me');
  const pi: Actor = { accountId: me.body.account.id, roles: ['researcher'], mfaVerified: true };
  const walking = await studyOf(platform, pi, {
    title: { nl: 'Wandelen na het eten', en: 'Walking after meals' },
    summary: WALKING,
  });
  const draft = await studyOf(
    platform,
    pi,
    { title: { nl: 'Slaap en stress', en: 'Sleep and stress' }, summary: WALKING },
    { open: false },
  );
  const fenna = await member(platform, 'Fenna', { consents: await grantedAtJoining(platform, 'research') });
  await platform.app.research.enrol(
    { accountId: fenna.accountId, roles: ['citizen'], mfaVerified: false },
    walking.id,
    {
      consentVersion: walking.consent.version,
      consentSha256: walking.consent.sha256,
    },
  );

  // A study that is still a draft cannot publish news yet: the page says so instead of showing the form.
  await researcherPage.goto(`/research/${draft.id}`);
  await researcherPage.getByRole('heading', { level: 1, name: 'Slaap en stress' }).waitFor();
  await researcherPage
    .getByText('U kunt nieuws publiceren zodra het onderzoek open is voor deelnemers.', { exact: false })
    .waitFor();
  expect(await researcherPage.getByTestId('news-form').count()).toBe(0);

  await researcherPage.goto(`/research/${walking.id}`);
  await researcherPage.getByRole('heading', { level: 1, name: 'Wandelen na het eten' }).waitFor();
  await researcherPage.getByText('Uw team heeft nog geen nieuws gepubliceerd.').waitFor();
  const form = researcherPage.getByTestId('news-form');
  // Nothing filled in: each mistake is said at its field.
  await form.getByRole('button', { name: 'Nieuws publiceren' }).click();
  await form.getByText('Schrijf een titel in het Nederlands, van hoogstens 200 tekens.').waitFor();
  await form.getByText('Schrijf de tekst in het Engels.').waitFor();
  await form.getByText('Kies voor wie dit nieuws is.').waitFor();
  await expectAccessible(researcherPage, 'the news form with its field errors');
  await form.getByLabel('Titel in het Nederlands', { exact: true }).fill('Wat we vonden');
  await form
    .getByLabel('Tekst in het Nederlands', { exact: true })
    .fill('Na het eten stijgt uw glucose.\n\nEen korte wandeling na het eten helpt: de stijging is kleiner.');
  await form.getByLabel('Titel in het Engels', { exact: true }).fill('What we found');
  await form
    .getByLabel('Tekst in het Engels', { exact: true })
    .fill('Your glucose rises after eating.\n\nA short walk after eating helps: the rise is smaller.');
  await form.getByRole('radio', { name: 'Wie aan dit onderzoek meedoet of meedeed' }).check();
  await researcherPage.getByRole('heading', { level: 2, name: 'Nieuws publiceren' }).click();
  await expectAccessible(researcherPage, 'the news form, filled in');
  await screenshot(researcherPage, 'study-news-publish-nl');

  // Before it goes out, a dialog says where it appears and that it is e-mailed.
  const since = new Date();
  await form.getByRole('button', { name: 'Nieuws publiceren' }).click();
  const dialog = researcherPage.getByRole('dialog', { name: 'Dit nieuws publiceren?' });
  await dialog.getByText('krijgt het ook per e-mail', { exact: false }).waitFor();
  await dialog.getByText('“Wandelen na het eten”', { exact: false }).waitFor();
  await expect.poll(() => opacity(dialog)).toBe('1');
  await expectAccessible(researcherPage, 'the dialog that confirms publishing');
  await dialog.getByRole('button', { name: 'Publiceren en e-mailen' }).click();
  await researcherPage.getByText('Uw nieuws is gepubliceerd.', { exact: false }).waitFor();
  const item = researcherPage.getByRole('article', { name: 'Wat we vonden' });
  await item.getByText('Voor wie meedoet of meedeed', { exact: false }).waitFor();

  await switchTo(researcherPage, 'en');
  await researcherPage
    .getByRole('article', { name: 'What we found' })
    .getByText('For those who take or took part', { exact: false })
    .waitFor();
  await researcherPage.getByText('Your news has been published.', { exact: false }).waitFor();
  await expectAccessible(researcherPage, 'the study news, in English');
  await screenshot(researcherPage, 'study-news-publish-en');
  await team.context.close();

  // The e-mail comes in her language, with the text itself.
  const mail = await platform.outbox.waitFor(fenna.email, { since, subjectIncludes: 'Wat we vonden' });
  expect(mail.subject).toBe('Nieuws uit onderzoek: Wat we vonden');
  expect(mail.text).toContain('Een korte wandeling na het eten helpt');

  // On her home page: the news, with its paragraphs, from the study she takes part in.
  const { context, page } = await platform.person();
  await setPasswordAndSignIn(page, fenna.setPasswordUrl, fenna.email);
  const card = page.getByRole('region', { name: 'Nieuws uit onderzoek' });
  const news = card.getByRole('article', { name: 'Wat we vonden' });
  await news.getByText('Van het onderzoek “Wandelen na het eten”', { exact: false }).waitFor();
  await news.getByText('Na het eten stijgt uw glucose.', { exact: true }).waitFor();
  await news
    .getByText('Een korte wandeling na het eten helpt: de stijging is kleiner.', { exact: true })
    .waitFor();
  await expectAccessible(page, 'the news on the home page');
  await screenshot(page, 'home-study-news-nl');
  await switchTo(page, 'en');
  const english = page
    .getByRole('region', { name: 'News from research' })
    .getByRole('article', { name: 'What we found' });
  await english.getByText('A short walk after eating helps: the rise is smaller.').waitFor();
  await english.getByText('From the study “Walking after meals”', { exact: false }).waitFor();
  await expectAccessible(page, 'the news on the home page, in English');
  await screenshot(page, 'home-study-news-en');
  await context.close();
});

it('a member asks “Can I take part?” and sees which of the study’s conditions she meets, and what she could do; in Dutch and English, accessible', async () => {
  const pi = await staffActor(platform, 'researcher', 'Onderzoeker');
  await studyOf(
    platform,
    pi,
    { title: { nl: 'Glucose in Twente en Arnhem', en: 'Glucose in Twente and Arnhem' }, summary: WALKING },
    {
      criteria: {
        all: [
          { field: 'age', min: 40, max: 75 },
          { field: 'municipality', in: ['GM0153', 'GM0202'] },
          { field: 'cgm', minDays: 10 },
          { field: 'other_studies', exclude: 'any' },
        ],
      },
    },
  );

  // Born in 1975 and living in Enschede (7511), she consented to research but not to being contacted.
  const { context, page } = await platform.person();
  await signedInMember(platform, page, 'Gerda', { consents: await grantedAtJoining(platform, 'research') });
  await page.getByRole('navigation').getByRole('link', { name: 'Onderzoek' }).click();
  const card = page.getByRole('article', { name: 'Glucose in Twente en Arnhem' });
  const toggle = card.getByRole('button', { name: 'Kan ik meedoen?' });
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  const answer = card.getByTestId('eligibility');
  await answer
    .getByTestId('eligibility-verdict')
    .getByText('U kunt nu niet meedoen aan dit onderzoek.', { exact: false })
    .waitFor();
  const step = (text: string) => answer.getByTestId('eligibility-step').filter({ hasText: text });
  const verdicts: [string, 'Ja' | 'Nee'][] = [
    ['U gaf toestemming voor gezondheidsonderzoek', 'Ja'],
    ['U gaf toestemming om benaderd te worden voor onderzoeken', 'Nee'],
    ['Leeftijd 40 tot en met 75 jaar', 'Ja'],
    ['Woont in Enschede of Arnhem', 'Ja'],
    ['Minstens 10 dagen gegevens van een glucosesensor', 'Nee'],
    ['Doet niet mee aan een ander onderzoek', 'Ja'],
  ];
  for (const [text, verdict] of verdicts) {
    await step(text).getByText(verdict, { exact: true }).waitFor();
  }
  // What she could do about it: give consent, bring in sensor data.
  await answer.getByRole('link', { name: 'Naar mijn toestemmingen' }).waitFor();
  await answer.getByRole('link', { name: 'Mijn gegevens toevoegen' }).waitFor();
  await expectAccessible(page, 'can I take part?');
  await screenshot(page, 'study-eligibility-nl');

  await switchTo(page, 'en');
  const english = page
    .getByRole('article', { name: 'Glucose in Twente and Arnhem' })
    .getByTestId('eligibility');
  await english.getByText('You cannot take part in this study right now.', { exact: false }).waitFor();
  await english
    .getByTestId('eligibility-step')
    .filter({ hasText: 'Lives in Enschede or Arnhem' })
    .getByText('Yes', { exact: true })
    .waitFor();
  await english
    .getByTestId('eligibility-step')
    .filter({ hasText: 'Age 40 to 75' })
    .getByText('Yes', { exact: true })
    .waitFor();
  await english
    .getByTestId('eligibility-step')
    .filter({ hasText: 'At least 10 days of glucose sensor data' })
    .getByText('No', { exact: true })
    .waitFor();
  await expectAccessible(page, 'can I take part?, in English');
  await screenshot(page, 'study-eligibility-en');

  // The consent link leads to her consent page.
  await english.getByRole('link', { name: 'Go to my consent' }).click();
  await page.waitForURL('**/consent');
  await context.close();
});
