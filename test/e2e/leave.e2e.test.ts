import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible, fetchIn, type Platform, screenshot, startPlatform } from './harness.ts';
import { setPasswordAndSignIn, signIn } from './people.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

it('a citizen joins, consents to insights and research but not to contact, changes a consent, downloads their data, and leaves with erasure', async () => {
  const { context, page } = await platform.person();

  // She joins (support made the account): yes to insights and research, no to being contacted for studies.
  const email = `jannie-${randomUUID().slice(0, 8)}@example.org`;
  const { setPasswordUrl, accountId } = await platform.app.identity.admin.createUser({
    email,
    displayName: 'Jannie',
    roles: ['citizen'],
    organisationId: null,
    locale: 'nl',
  });
  const catalogue = await platform.app.consent.catalogue();
  const version = (key: string) => {
    const document = catalogue.find((d) => d.purposeKey === key);
    if (!document) throw new Error(`no purpose ${key}`);
    return document.version;
  };
  await platform.app.participants.join(
    { accountId, roles: ['citizen'], mfaVerified: false },
    {
      birthYear: 1970,
      birthMonth: 2,
      sexAtBirth: 'male',
      postcode4: '7311',
      contactPreference: 'email',
      consents: [
        {
          purposeKey: 'personal_insights',
          decision: 'granted',
          documentVersion: version('personal_insights'),
        },
        { purposeKey: 'research', decision: 'granted', documentVersion: version('research') },
        { purposeKey: 'study_contact', decision: 'refused', documentVersion: version('study_contact') },
      ],
    },
  );
  await setPasswordAndSignIn(page, setPasswordUrl, email);
  await page.getByTestId('sign-out').waitFor();

  // She changes her mind about research.
  await page.goto('/consent');
  await page.getByTestId('consent-card-research').getByRole('button', { name: 'Nee, liever niet' }).click();
  await page.getByTestId('consent-status-research').getByText('U zei nee tegen').waitFor();
  const consents = (await fetchIn(page, '/api/v1/me/consents')).body.purposes as {
    purposeKey: string;
    decision: string | null;
  }[];
  expect(consents.find((p) => p.purposeKey === 'research')?.decision).toBe('refused');
  expect(consents.find((p) => p.purposeKey === 'personal_insights')?.decision).toBe('granted');

  // She downloads all her data from her profile.
  await page.goto('/profile');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('data-export').click(),
  ]);
  const files = unzipSync(new Uint8Array(await readFile(await download.path())));
  expect(Object.keys(files)).toContain('LEESMIJ.txt');
  const fhirFile = files['fhir-bundle.json'];
  if (!fhirFile) throw new Error('no FHIR bundle in the export');
  expect(JSON.parse(new TextDecoder().decode(fhirFile)).resourceType).toBe('Bundle');

  // From her profile to the page to leave; read in Dutch and in English.
  await page.getByTestId('profile-leave').click();
  await page.getByRole('heading', { level: 1, name: 'Stoppen met het Citizen Lab' }).waitFor();
  await page.getByRole('group', { name: 'Hoe wilt u stoppen?' }).waitFor();
  await expectAccessible(page, 'leave');
  await screenshot(page, 'leave-nl');
  await page.getByTestId('language-switch').getByText('EN').click();
  await page.getByRole('heading', { level: 1, name: 'Leave the Citizen Lab' }).waitFor();
  await expectAccessible(page, 'leave (English)');
  await screenshot(page, 'leave-en');
  await page.getByTestId('language-switch').getByText('NL').click();
  await page.getByRole('heading', { level: 1, name: 'Stoppen met het Citizen Lab' }).waitFor();

  // Without a choice and a tick nothing happens.
  await page.getByTestId('leave-submit').click();
  await page.getByText('Kies hoe u wilt stoppen.').waitFor();
  await page.getByRole('radio', { name: 'Alles wissen' }).check();
  await page.getByTestId('leave-submit').click();
  await page.getByText('Zet een vinkje om te laten zien dat u dit begrijpt.').waitFor();
  expect(await platform.app.participants.exists(accountId)).toBe(true);

  // She erases everything.
  await page.getByLabel('Ik begrijp dat dit niet ongedaan kan worden', { exact: true }).check();
  await page.getByTestId('leave-submit').click();
  await page.getByRole('heading', { level: 1, name: 'Uw gegevens worden gewist' }).waitFor();
  await page.waitForURL(/\/left$/);
  await page.getByRole('link', { name: 'Inloggen' }).first().waitFor();
  expect(await page.getByTestId('sign-out').count()).toBe(0);
  await expectAccessible(page, 'left');
  await screenshot(page, 'left-nl');
  expect((await fetchIn(page, '/api/v1/me')).status).toBe(401);

  // The erasure job removes her from the Citizen Lab.
  const deadline = Date.now() + 15_000;
  while (await platform.app.participants.exists(accountId)) {
    if (Date.now() > deadline) throw new Error('the erasure job did not finish within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  // Her old password no longer opens anything.
  await signIn(page, email);
  await page.getByText('Het e-mailadres of het wachtwoord klopt niet.').waitFor();
  await context.close();
});
