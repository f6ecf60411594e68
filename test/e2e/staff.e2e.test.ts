import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  documentLanguage,
  expectAccessible,
  fetchIn,
  opacity,
  type Platform,
  screenshot,
  startPlatform,
} from './harness.ts';
import { member, setPasswordAndSignIn, staffMember } from './people.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

/** An element's computed opacity, as the browser has it now. */

it('a data steward finds a member by e-mail, with a reason, and registers consent given on paper', async () => {
  // A member who has not decided about research yet.
  const memberEmail = `henk-${randomUUID().slice(0, 8)}@example.org`;
  const { accountId } = await platform.app.identity.admin.createUser({
    email: memberEmail,
    displayName: 'Henk Papier',
    roles: ['citizen'],
    organisationId: null,
    locale: 'nl',
  });
  await platform.app.participants.join(
    { accountId, roles: ['citizen'], mfaVerified: false },
    {
      birthYear: 1948,
      birthMonth: 6,
      sexAtBirth: 'male',
      postcode4: '7511',
      contactPreference: 'email',
      consents: [],
    },
  );

  const { context, page } = await platform.person();
  await staffMember(platform, page, 'data_steward', 'Daan Steward');

  await page.getByRole('navigation').getByRole('link', { name: 'Deelnemers helpen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Deelnemers helpen' }).waitFor();
  // The reason is required.
  await page.getByLabel('Naam of e-mailadres', { exact: true }).fill(memberEmail);
  await page.getByTestId('support-search-submit').click();
  await page.getByText('Schrijf een reden van minstens 5 tekens.').waitFor();
  const reason = 'Belde over toestemming op papier';
  await page.getByLabel('Reden', { exact: true }).fill(reason);
  await page.getByTestId('support-search-submit').click();
  await page.getByRole('cell', { name: memberEmail }).waitFor();
  await page.getByRole('button', { name: 'Kiezen Henk Papier' }).click();
  await page.getByRole('heading', { level: 2, name: `Henk Papier (${memberEmail})` }).waitFor();
  await page.getByTestId('support-state-research').getByText('Nog niet gekozen — telt als nee').waitFor();

  // The paper form: research, yes, the version in force, and why.
  const paper = page.locator('#support-paper');
  await paper.getByLabel('Toestemming', { exact: true }).selectOption('research');
  await paper.getByLabel('Keuze', { exact: true }).selectOption('granted');
  const version = (await platform.app.consent.catalogue()).find((d) => d.purposeKey === 'research')?.version;
  expect(await paper.getByLabel('Versie van de tekst', { exact: true }).inputValue()).toBe(String(version));
  await paper.getByLabel('Reden', { exact: true }).fill('Papieren formulier van 3 mei, bibliotheek Deventer');
  await page.getByTestId('support-paper-submit').click();
  await page.getByText('Geregistreerd: Henk Papier zei ja tegen “Gezondheidsonderzoek”.').waitFor();
  await page
    .getByTestId('support-state-research')
    .getByRole('cell', { name: 'Ja', exact: true })
    .first()
    .waitFor();
  await expectAccessible(page, 'support');
  await screenshot(page, 'support-nl');

  // What the server holds now.
  const state = await fetchIn(
    page,
    `/api/v1/participants/${accountId}/consents?reason=${encodeURIComponent(reason)}`,
  );
  expect(state.status).toBe(200);
  expect(state.body.purposes).toContainEqual(
    expect.objectContaining({ purposeKey: 'research', decision: 'granted', documentVersion: version }),
  );
  await context.close();
});

it('a data steward publishes a material change to a consent text; a member who said yes is asked to choose again', async () => {
  const research = (await platform.app.consent.catalogue()).find((d) => d.purposeKey === 'research');
  if (!research) throw new Error('the research purpose is missing');
  const citizen = await member(platform, 'Ineke', {
    birthYear: 1959,
    birthMonth: 6,
    sexAtBirth: 'female',
    consents: [{ purposeKey: 'research', decision: 'granted', documentVersion: research.version }],
  });
  const next = research.version + 1;

  const { context, page } = await platform.person();
  await staffMember(platform, page, 'data_steward', 'Dirk Databeheer');
  await page.getByRole('navigation').getByRole('link', { name: 'Toestemmingsteksten' }).click();
  await page.getByRole('heading', { level: 1, name: 'Toestemmingsteksten' }).waitFor();
  expect(await page.getByTestId('publish-in-force-research').innerText()).toMatch(
    new RegExp(`^Nu geldt versie ${research.version}, sinds`),
  );
  await page.getByRole('button', { name: /^Nieuwe versie schrijven\s*: Gezondheidsonderzoek$/ }).click();
  const form = page.getByTestId('publish-form-research');
  // Prefilled with the version in force.
  const titleNl = form.getByLabel('Titel in het Nederlands', { exact: true });
  expect(await titleNl.inputValue()).toBe(research.title.nl);
  const bodyNl = form.getByLabel('Tekst in het Nederlands', { exact: true });
  expect(await bodyNl.inputValue()).toBe(research.body.nl);

  // The kind of change must be chosen, and a text that did not change is not a new version.
  await page.getByTestId('publish-submit-research').click();
  await form.getByText('Kies of dit een kleine of een belangrijke wijziging is.').waitFor();
  await form.getByRole('radio', { name: 'Een belangrijke wijziging' }).check();
  await page.getByTestId('publish-submit-research').click();
  await form.getByText(/U heeft de titels en teksten niet veranderd/).waitFor();

  // A material change: researchers of a new partner; until people choose again, their yes lapses.
  await bodyNl.fill(`${research.body.nl}\n\nNieuw: ook onderzoekers van Saxion mogen uw gegevens gebruiken.`);
  const bodyEn = form.getByLabel('Tekst in het Engels', { exact: true });
  await bodyEn.fill(`${research.body.en}\n\nNew: researchers of Saxion may use your data too.`);
  // The message about the unchanged text went as soon as she typed.
  expect(await form.getByText(/U heeft de titels en teksten niet veranderd/).count()).toBe(0);
  await form.getByRole('radio', { name: 'Het ja telt niet meer' }).check();
  await expectAccessible(page, 'consent publishing form');
  await screenshot(page, 'consent-publish');
  await page.getByTestId('publish-submit-research').click();
  const dialog = page.getByRole('dialog', { name: `Versie ${next} van “Gezondheidsonderzoek” publiceren?` });
  await dialog.getByText(/Tot dan telt hun ja niet meer/).waitFor();
  await expect.poll(() => opacity(dialog)).toBe('1');
  await expectAccessible(page, 'consent publishing confirmation');
  await page.getByTestId(`publish-confirm-research`).click();
  await page
    .getByText(
      `Versie ${next} van “Gezondheidsonderzoek” is gepubliceerd. Wie ja zei, krijgt de vraag om opnieuw te kiezen.`,
    )
    .waitFor();
  await expect
    .poll(() => page.getByTestId('publish-in-force-research').innerText())
    .toMatch(new RegExp(`^Nu geldt versie ${next},`));
  const published = (await fetchIn(page, '/api/v1/consent/purposes')).body.purposes.find(
    (d: { purposeKey: string }) => d.purposeKey === 'research',
  );
  expect(published).toMatchObject({ version: next, material: true, earlierConsent: 'lapses' });
  expect(published.body.nl).toContain('Saxion');
  await context.close();

  // The member's consent page: the text changed, her yes no longer counts, she is asked to choose again.
  const participant = await platform.person();
  await setPasswordAndSignIn(participant.page, citizen.setPasswordUrl, citizen.email);
  await participant.page.getByTestId('sign-out').waitFor();
  await participant.page.goto('/consent');
  const card = participant.page.getByTestId('consent-card-research');
  await card.getByText('De tekst is veranderd').waitFor();
  await card.getByText(/Uw ja telt daarom niet meer/).waitFor();
  await card.getByText(/Nieuw: ook onderzoekers van Saxion/).waitFor();
  expect(await participant.page.getByTestId('consent-decision-research').innerText()).toBe(
    'Ja, maar dat telt nu niet',
  );
  const state = (await fetchIn(participant.page, '/api/v1/me/consents')).body.purposes.find(
    (p: { purposeKey: string }) => p.purposeKey === 'research',
  );
  expect(state).toMatchObject({ decision: 'granted', effective: false, reconsentNeeded: true });
  await participant.context.close();
});

it('a programme manager sees the panel in numbers, with age groups and months in words and small counts withheld, in Dutch and English', async () => {
  // Eleven members aged 45–59, two aged 30–44 and one aged 16–29: the two small groups are withheld.
  const thisYear = new Date().getFullYear();
  const groups: [number, number][] = [
    [thisYear - 52, 11],
    [thisYear - 37, 2],
    [thisYear - 20, 1],
  ];
  for (const [birthYear, count] of groups) {
    for (let index = 0; index < count; index++) {
      await member(platform, `Lid${birthYear}${index}`, {
        birthYear,
        birthMonth: 6,
        sexAtBirth: index % 2 ? 'male' : 'female',
      });
    }
  }
  const monthIn = (locale: string) =>
    new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' }).format(
      new Date(),
    );

  const { context, page } = await platform.person();
  await staffMember(platform, page, 'programme_manager', 'Paula Programma');
  await page.getByRole('navigation').getByRole('link', { name: 'Panel in cijfers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Panel in cijfers' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Deelnemers per gemeente' }).waitFor();
  await page.getByText('Kleine aantallen zijn verborgen').waitFor();
  const ages = page.getByRole('table', { name: 'Deelnemers per leeftijdsgroep' });
  expect(await ages.getByRole('row', { name: /45–59 jaar/ }).innerText()).toMatch(/45–59 jaar\s+11/);
  expect(await ages.getByRole('row', { name: /16–29 jaar/ }).innerText()).toMatch(/minder dan 10/);
  expect(await ages.getByRole('row', { name: /30–44 jaar/ }).innerText()).toMatch(/minder dan 10/);
  await ages.getByRole('row', { name: /75 jaar en ouder/ }).waitFor();
  // The chart says the same in words: a withheld bar reads "fewer than 10", not just a grey line.
  const chart = page.locator('#panel-age figure');
  expect(await chart.getByRole('listitem').first().innerText()).toMatch(/16–29 jaar\s+minder dan 10/);
  await chart.getByText(/Een korte gestreepte balk betekent: minder dan 10/).waitFor();
  await page
    .getByRole('table', { name: 'Groei per maand' })
    .getByRole('cell', { name: monthIn('nl-NL'), exact: true })
    .waitFor();
  await page.getByRole('table', { name: 'Deelnemers per geslacht bij geboorte' }).waitFor();
  await expectAccessible(page, 'panel');
  await screenshot(page, 'panel-overview-nl');
  expect((await fetchIn(page, '/api/v1/panel/overview')).status).toBe(200);

  // In English.
  await page.getByTestId('language-switch').getByText('EN').click();
  await expect.poll(() => documentLanguage(page)).toBe('en');
  await page.getByRole('heading', { level: 1, name: 'Panel in numbers' }).waitFor();
  const agesEn = page.getByRole('table', { name: 'Members by age group' });
  expect(await agesEn.getByRole('row', { name: /45–59 years/ }).innerText()).toMatch(/45–59 years\s+11/);
  expect(await agesEn.getByRole('row', { name: /16–29 years/ }).innerText()).toMatch(/fewer than 10/);
  await agesEn.getByRole('row', { name: /75 years and older/ }).waitFor();
  await page
    .getByRole('table', { name: 'Growth per month' })
    .getByRole('cell', { name: monthIn('en-GB'), exact: true })
    .waitFor();
  await expectAccessible(page, 'panel in English');
  await screenshot(page, 'panel-overview-en');
  await context.close();
});
