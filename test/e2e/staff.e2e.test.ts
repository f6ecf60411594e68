import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode } from '../app.ts';
import { expectAccessible, fetchIn, type Platform, screenshot, startPlatform } from './harness.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

const PASSWORD = 'zorgvuldig met gegevens';

/** Staff made by create-user: set the password, sign in, and set up two factors as staff must. */
async function staffMember(page: Page, role: 'data_steward' | 'programme_manager', name: string) {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.org`;
  const { setPasswordUrl } = await platform.app.identity.admin.createUser({
    email,
    displayName: name,
    roles: [role],
    organisationId: null,
    locale: 'nl',
  });
  await page.goto(setPasswordUrl);
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await page.getByText(/Uw nieuwe wachtwoord is opgeslagen/).waitFor();
  await page.goto('/sign-in');
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByRole('heading', { name: 'Stel eerst inloggen met twee stappen in' }).waitFor();
  await page.getByRole('link', { name: 'Nu instellen' }).click();
  await page.getByTestId('mfa-setup-start').click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  await page.getByTestId('mfa-setup-code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Code controleren en aanzetten' }).click();
  await page.getByTestId('recovery-codes-saved').click();
}

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
  await staffMember(page, 'data_steward', 'Daan Steward');

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

it('a programme manager sees the panel in numbers, with small counts withheld', async () => {
  const { context, page } = await platform.person();
  await staffMember(page, 'programme_manager', 'Paula Programma');
  await page.getByRole('navigation').getByRole('link', { name: 'Panel in cijfers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Panel in cijfers' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Deelnemers per gemeente' }).waitFor();
  await page.getByText('Kleine aantallen zijn verborgen').waitFor();
  // One member so far: fewer than the minimum, so the number is withheld.
  await page
    .getByTestId('panel-total')
    .getByText(/minder dan \d+/)
    .waitFor();
  await page.getByRole('table', { name: 'Deelnemers per geslacht bij geboorte' }).waitFor();
  await expectAccessible(page, 'panel');
  await screenshot(page, 'panel-nl');
  expect((await fetchIn(page, '/api/v1/panel/overview')).status).toBe(200);
  await context.close();
});
