import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  documentLanguage,
  expectAccessible,
  fetchIn,
  linkIn,
  type Platform,
  screenshot,
  startPlatform,
} from './harness.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

it('a visitor reads about the Citizen Lab, finds one postcode outside the region and joins the wait list, then joins from Enschede with her own choices, and later corrects her postcode', async () => {
  const { context, page } = await platform.person();
  const email = `sanne-${Date.now()}@example.org`;
  const password = 'fietsen langs de Dinkel';
  const progress = page.getByTestId('join-progress');
  const stepTitle = page.getByTestId('join-step-title');

  // From the home page to the information: plain words, and the way to every consent text.
  await page.goto('/');
  await page.getByTestId('landing-join').click();
  await page.getByRole('heading', { level: 1, name: 'Meedoen aan het Citizen Lab' }).waitFor();
  expect(await progress.innerText()).toBe('Stap 1 van 5');
  await page.getByText(/helpen inwoners van Overijssel en Gelderland om diabetes te voorkomen/).waitFor();
  await page.getByText(/U kunt altijd stoppen/).waitFor();
  expect(await page.getByTestId('join-purposes').getAttribute('href')).toBe('/consent/purposes');
  await expectAccessible(page, 'join: information');
  await screenshot(page, 'join-information-nl');
  await page.getByTestId('join-next').click();

  // Eligibility: too young first (a kind word, no way on), then her own birth date.
  await expect.poll(() => progress.innerText()).toBe('Stap 2 van 5');
  expect(await stepTitle.innerText()).toBe('Kunt u meedoen?');
  const thisYear = new Date().getFullYear();
  await page.getByLabel('Geboortejaar').fill(String(thisYear - 12));
  await page.getByLabel('Geboortemaand').selectOption('1');
  await page
    .getByTestId('too-young')
    .getByText(/16 jaar en ouder/)
    .waitFor();
  await page.getByTestId('join-next').click();
  await page.getByText('Meedoen kan vanaf 16 jaar.').waitFor();
  expect(await progress.innerText()).toBe('Stap 2 van 5');
  await page.getByLabel('Geboortejaar').fill('1980');
  await page.getByLabel('Geboortemaand').selectOption('5');
  await expect.poll(() => page.getByTestId('too-young').count()).toBe(0);

  // A postcode in Amsterdam: outside the region; she leaves her address for the wait list.
  const postcode = page.getByLabel('Postcode (alleen de 4 cijfers)');
  await postcode.fill('1012');
  await page
    .getByTestId('postcode-result')
    .getByText('Deze postcode ligt niet in Overijssel of Gelderland, of wij kennen hem niet.')
    .waitFor();
  await page.getByTestId('wait-list-email').fill(email);
  await expectAccessible(page, 'join: outside the region');
  await screenshot(page, 'join-outside-region-nl');
  await page.getByTestId('wait-list-submit').click();
  await page.getByText('U staat op de wachtlijst. Wij sturen u een e-mail als u kunt meedoen.').waitFor();
  await page.getByTestId('join-next').click();
  await page.getByText('Met deze postcode kunt u nu nog niet meedoen.').waitFor();

  // Her postcode in Enschede.
  await postcode.fill('7511');
  await page.getByTestId('postcode-result').getByText('Gemeente: Enschede').waitFor();
  await expect.poll(() => page.getByTestId('wait-list-email').count()).toBe(0);
  await expectAccessible(page, 'join: eligibility');
  await screenshot(page, 'join-eligibility-nl');

  // The same step in English, then back to Dutch.
  await page.getByTestId('language-switch').getByText('EN').click();
  await expect.poll(() => documentLanguage(page)).toBe('en');
  await page.getByRole('heading', { level: 2, name: 'Can you join?' }).waitFor();
  await page.getByTestId('postcode-result').getByText('Municipality: Enschede').waitFor();
  expect(await progress.innerText()).toBe('Step 2 of 5');
  await expectAccessible(page, 'join: eligibility in English');
  await screenshot(page, 'join-eligibility-en');
  await page.getByTestId('language-switch').getByText('NL').click();
  await expect.poll(() => documentLanguage(page)).toBe('nl');
  await page.getByTestId('join-next').click();

  // Account: she signs up right here and confirms her address from the mail.
  await expect.poll(() => progress.innerText()).toBe('Stap 3 van 5');
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Naam', { exact: true }).fill('Sanne Jansen');
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await expectAccessible(page, 'join: account');
  const since = new Date();
  await page.getByTestId('sign-up-submit').click();
  await page.getByText('Kijk in uw e-mail').waitFor();
  const mail = await platform.outbox.waitFor(email, { since });
  await page.goto(linkIn(mail.text, 'verify-email'));
  await page.getByText('Gelukt!').waitFor();
  await page.getByRole('main').getByRole('link', { name: 'Inloggen' }).click();
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();

  // Signed in, she is brought straight back to the joining steps; what she filled in was kept in this tab.
  await page.waitForURL(/\/join$/);
  await page
    .getByTestId('join-signed-in')
    .getByText(/Sanne Jansen/)
    .waitFor();
  expect(await progress.innerText()).toBe('Stap 3 van 5');
  expect((await fetchIn(page, '/api/v1/me/profile')).status).toBe(404);
  await page.getByTestId('join-back').click();
  await expect.poll(() => postcode.inputValue()).toBe('7511');
  expect(await page.getByLabel('Geboortejaar').inputValue()).toBe('1980');
  await page.getByTestId('join-next').click();
  await page.getByTestId('join-signed-in').waitFor();
  await page.getByTestId('join-next').click();

  // About her: sex at birth and contact are asked, gender and education are optional.
  await expect.poll(() => progress.innerText()).toBe('Stap 4 van 5');
  await page.getByTestId('join-next').click();
  await page.getByText('Kies of wij u mogen mailen.').waitFor();
  await page
    .getByRole('group', { name: 'Welk geslacht is bij uw geboorte vastgelegd?' })
    .getByLabel('Vrouw', { exact: true })
    .check();
  await page.getByLabel('Wat is uw hoogste afgemaakte opleiding? (niet verplicht)').selectOption('Hbo');
  await page.getByRole('group', { name: 'Mogen wij u e-mailen?' }).getByLabel('Ja, per e-mail').check();
  expect(await page.getByLabel('Tijdzone').inputValue()).toBe('Europe/Amsterdam');
  await expectAccessible(page, 'join: profile');
  await screenshot(page, 'join-profile-nl');
  await page.getByTestId('join-next').click();

  // Consent: yes to her own insights and to research, no to being contacted about studies.
  await expect.poll(() => progress.innerText()).toBe('Stap 5 van 5');
  const purpose = (key: string) => page.getByTestId(`join-purpose-${key}`);
  await purpose('research')
    .getByRole('button', { name: /Lees de tekst/ })
    .click();
  await purpose('research')
    .getByText(/Een commissie bekijkt elk verzoek om gegevens/)
    .waitFor();
  await purpose('personal_insights').getByLabel('Ja, dat mag').check();
  await purpose('research').getByLabel('Ja, dat mag').check();
  await purpose('study_contact').getByLabel('Nee, liever niet').check();
  expect(await purpose('coach_sharing').getByLabel('Later kiezen').isChecked()).toBe(true);
  await expectAccessible(page, 'join: consent');
  await screenshot(page, 'join-consent-nl');
  await page.getByTestId('join-next').click();

  // Welcome, and what the server holds now.
  await page.getByRole('heading', { level: 1, name: 'Welkom in het Citizen Lab' }).waitFor();
  await page.getByText('U doet nu mee. Gemeente: Enschede.').waitFor();
  await expectAccessible(page, 'join: welcome');
  await screenshot(page, 'join-welcome-nl');
  const profile = await fetchIn(page, '/api/v1/me/profile');
  expect(profile.status).toBe(200);
  expect(profile.body).toMatchObject({
    birthYear: 1980,
    birthMonth: 5,
    sexAtBirth: 'female',
    gender: null,
    postcode4: '7511',
    municipality: { name: 'Enschede', province: 'Overijssel' },
    educationLevel: 'higher_professional',
    contactPreference: 'email',
    timeZone: 'Europe/Amsterdam',
  });
  const consents = await fetchIn(page, '/api/v1/me/consents');
  const decided = Object.fromEntries(
    consents.body.purposes.map((p: { purposeKey: string; decision: string | null }) => [
      p.purposeKey,
      p.decision,
    ]),
  );
  expect(decided).toMatchObject({
    personal_insights: 'granted',
    research: 'granted',
    study_contact: 'refused',
    coach_sharing: null,
  });

  // She moves to Arnhem and corrects her postcode; only that field changes.
  await page.getByTestId('welcome-profile').click();
  await page.getByRole('heading', { level: 1, name: 'Mijn gegevens' }).waitFor();
  await page
    .getByTestId('profile-municipality')
    .getByText(/Enschede/)
    .waitFor();
  await page.getByLabel('Postcode (alleen de 4 cijfers)').fill('6811');
  await page.getByTestId('postcode-result').getByText('Gemeente: Arnhem').waitFor();
  await page.getByTestId('profile-save').click();
  await page.getByTestId('profile-status').getByText('Uw gegevens zijn bewaard.').waitFor();
  await page
    .getByTestId('profile-municipality')
    .getByText(/Arnhem/)
    .waitFor();
  await expectAccessible(page, 'profile');
  await screenshot(page, 'profile-nl');
  expect((await fetchIn(page, '/api/v1/me/profile')).body).toMatchObject({
    postcode4: '6811',
    municipality: { name: 'Arnhem', province: 'Gelderland' },
    educationLevel: 'higher_professional',
    sexAtBirth: 'female',
  });

  // Download all her data from the profile page: a ZIP whose readme lists the tables.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('data-export').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^topfit-mijn-gegevens-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = unzipSync(new Uint8Array(await readFile((await download.path()) ?? '')));
  expect(Object.keys(zip)).toEqual(
    expect.arrayContaining(['participants.json', 'consent_events.csv', 'fhir-bundle.json']),
  );

  // Saving again without a change says so; /join now says she is a member already.
  await page.getByTestId('profile-save').click();
  await page.getByTestId('profile-status').getByText('U heeft niets veranderd.').waitFor();
  await page.goto('/join');
  await page.getByText(/U doet al mee aan het Citizen Lab/).waitFor();
  await context.close();
});
