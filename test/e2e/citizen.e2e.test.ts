import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode } from '../app.ts';
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

it('a citizen signs up, confirms the address from the mail, signs in, sets up two factors, switches to English and signs out', async () => {
  const { context, page } = await platform.person();
  const email = `anna-${Date.now()}@example.org`;
  const password = 'zonnige dag in Deventer';

  // Sign up, in Dutch: the default language.
  await page.goto('/sign-up');
  await expect.poll(() => documentLanguage(page)).toBe('nl');
  await expectAccessible(page, 'sign-up');
  await screenshot(page, 'sign-up-nl');
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Naam', { exact: true }).fill('Anna de Vries');
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  const since = new Date();
  await page.getByTestId('sign-up-submit').click();
  await page.getByRole('heading', { name: 'Kijk in uw e-mail' }).waitFor();
  await expectAccessible(page, 'sign-up done');

  // The verification mail, read from the SMTP capture as real MIME, carries the link.
  const mail = await platform.outbox.waitFor(email, { since });
  expect(mail.subject).toBe('Bevestig uw e-mailadres');
  expect(mail.html).toContain('<html lang="nl"');
  await page.goto(linkIn(mail.text, 'verify-email'));
  await page.getByText('Gelukt!').waitFor();
  await expectAccessible(page, 'verify-email');
  await screenshot(page, 'verify-email-nl');

  // Sign in.
  await page.getByRole('main').getByRole('link', { name: 'Inloggen' }).click();
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await expectAccessible(page, 'sign-in');
  await screenshot(page, 'sign-in-nl');
  await page.getByTestId('sign-in-submit').click();
  await page
    .getByRole('heading', { level: 1 })
    .filter({ hasText: 'Anna' })
    .or(page.getByTestId('sign-out'))
    .first()
    .waitFor();
  await expectAccessible(page, 'citizen home');
  await screenshot(page, 'home-citizen-nl');

  // Set up two factors with an authenticator app: here, the test computes the codes from the secret.
  await page.goto('/account');
  await page.getByTestId('mfa-setup-start').click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectAccessible(page, 'two-factor set-up');
  await screenshot(page, 'account-two-factor-setup-nl');
  await page.getByTestId('mfa-setup-code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Code controleren en aanzetten' }).click();
  const codes = page.getByTestId('recovery-codes').locator('li');
  await expect.poll(() => codes.count()).toBe(10);
  expect(await codes.first().innerText()).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await expectAccessible(page, 'recovery codes');
  await page.getByTestId('recovery-codes-saved').click();

  // Switch to English: the page, its language attribute and the account follow.
  await page.getByTestId('language-switch').getByText('EN').click();
  await expect.poll(() => documentLanguage(page)).toBe('en');
  await page.getByTestId('sign-out').waitFor();
  expect(await page.getByTestId('sign-out').innerText()).toContain('Sign out');
  await expectAccessible(page, 'account in English');
  await screenshot(page, 'account-en');
  const me = (await fetchIn(page, '/api/v1/me')).body;
  expect(me.account).toMatchObject({ email, locale: 'en', mfaEnabled: true });

  // Sign out: the session is gone on the server, not just in the page.
  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/sign-in/);
  const after = (await fetchIn(page, '/api/v1/me')).status;
  expect(after).toBe(401);

  // Signing in again asks for the second factor, and the account's language comes back.
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('mfa-code').fill(totpCode(secret, Date.now() + 30_000));
  await screenshot(page, 'sign-in-second-factor-en');
  await page.getByTestId('mfa-submit').click();
  await page.getByTestId('sign-out').waitFor();
  expect(await documentLanguage(page)).toBe('en');
  await context.close();
});

it('someone using only the keyboard sets a password from a link and signs in', async () => {
  const { context, page } = await platform.person();
  const email = `toetsenbord-${Date.now()}@example.org`;
  const { setPasswordUrl } = await platform.app.identity.admin.createUser({
    email,
    displayName: 'Kees Toetsenbord',
    roles: ['citizen'],
    organisationId: null,
    locale: 'nl',
  });
  const password = 'alleen het toetsenbord';
  /** Presses Tab until the control with this accessible name has focus, as a keyboard user would. */
  const tabTo = async (name: string) => {
    for (let presses = 0; presses < 30; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { activeElement: { id: string } | null } })
          .document;
        return doc.activeElement?.id ?? '';
      });
      if (focused && (await page.getByLabel(name, { exact: true }).getAttribute('id')) === focused) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  };

  await page.goto(setPasswordUrl);
  await page.getByRole('heading', { name: 'Nieuw wachtwoord kiezen' }).waitFor();
  await tabTo('Nieuw wachtwoord');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByText(/Uw nieuwe wachtwoord is opgeslagen/).waitFor();

  await page.goto('/sign-in');
  await tabTo('E-mailadres');
  await page.keyboard.type(email);
  await tabTo('Wachtwoord');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('sign-out').waitFor();
  expect((await fetchIn(page, '/api/v1/me')).body.account.email).toBe(email);
  await context.close();
});
