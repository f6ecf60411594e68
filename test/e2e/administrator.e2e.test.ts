import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode } from '../app.ts';
import { expectAccessible, fetchIn, linkIn, type Platform, screenshot, startPlatform } from './harness.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

it('the first administrator sets up the platform, adds an organisation and invites a researcher, who joins through the invitation', async () => {
  // The one-time link `npm start` prints on an empty platform.
  const setupLink = await platform.app.identity.admin.issueSetupLink();
  if (!setupLink) throw new Error('a new platform needs a set-up link');
  const admin = await platform.person();
  const page = admin.page;
  const adminEmail = `beheer-${Date.now()}@example.org`;
  const password = 'beheer het platform goed';

  await page.goto(setupLink);
  await page.getByLabel('E-mailadres', { exact: true }).fill(adminEmail);
  await page.getByLabel('Naam', { exact: true }).fill('Bea Beheer');
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await expectAccessible(page, 'set-up');
  await screenshot(page, 'setup-first-administrator-nl');
  await page.getByRole('button', { name: 'Beheerder maken' }).click();
  await page.getByRole('main').getByRole('link', { name: 'Inloggen' }).click();
  await page.getByLabel('E-mailadres', { exact: true }).fill(adminEmail);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();

  // Staff must set up two factors before anything else opens.
  await page.getByRole('heading', { name: 'Stel eerst inloggen met twee stappen in' }).waitFor();
  await expectAccessible(page, 'two-factor required');
  await screenshot(page, 'staff-two-factor-required-nl');
  await page.getByRole('link', { name: 'Nu instellen' }).click();
  await page.getByTestId('mfa-setup-start').click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  await page.getByTestId('mfa-setup-code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Code controleren en aanzetten' }).click();
  await page.getByTestId('recovery-codes-saved').click();

  // An organisation.
  await page.goto('/admin/organisations');
  await page.getByLabel('Naam van de organisatie', { exact: true }).fill('Universiteit Twente');
  await page.getByLabel('Soort organisatie', { exact: true }).selectOption('university');
  await page.getByRole('button', { name: 'Organisatie toevoegen' }).click();
  await page.getByRole('cell', { name: 'Universiteit Twente' }).first().waitFor();
  await expectAccessible(page, 'organisations');
  await screenshot(page, 'admin-organisations-nl');

  // Invite a researcher of that organisation.
  const researcherEmail = `onderzoeker-${Date.now()}@example.org`;
  await page.goto('/admin/people');
  await page.getByLabel('E-mailadres', { exact: true }).fill(researcherEmail);
  await page.getByLabel('Rol', { exact: true }).selectOption('researcher');
  await page
    .getByLabel('Organisatie (niet verplicht)', { exact: true })
    .selectOption({ label: 'Universiteit Twente' });
  await page.getByLabel('Taal van de e-mail', { exact: true }).selectOption('en');
  const since = new Date();
  await page.getByTestId('invite-submit').click();
  await page.getByText(`De uitnodiging is verstuurd naar ${researcherEmail}.`).waitFor();
  await expectAccessible(page, 'people and invitations');
  await screenshot(page, 'admin-people-nl');

  // The administrator reads the mail in the outbox, as on an offline installation.
  const invitation = await platform.outbox.waitFor(researcherEmail, { since });
  expect(invitation.subject).toBe('Invitation to the TOPFIT platform');
  expect(invitation.text).toContain('researcher of Universiteit Twente');
  await page.goto('/admin/outbox');
  await page.getByRole('link', { name: 'Invitation to the TOPFIT platform' }).first().click();
  await page.getByTitle(/Invitation to the TOPFIT platform/).waitFor();
  await expectAccessible(page, 'outbox message');
  await screenshot(page, 'admin-outbox-message-nl');

  // The audit log shows what happened, searchable by actor.
  await page.goto('/admin/audit');
  await page.getByRole('cell', { name: 'invitation.create' }).first().waitFor();
  await expectAccessible(page, 'audit log');
  await screenshot(page, 'admin-audit-nl');

  // The researcher opens the link in their own browser and joins.
  const researcher = await platform.person();
  const rpage = researcher.page;
  await rpage.goto(linkIn(invitation.text, 'invitation'));
  await rpage.getByTestId('language-switch').getByText('EN').click();
  await rpage.getByRole('heading', { name: 'Invitation', level: 1 }).waitFor();
  await rpage.getByLabel('Name', { exact: true }).fill('Rik Onderzoeker');
  await rpage.getByLabel('Password', { exact: true }).fill('research with care');
  await rpage.getByLabel('Preferred language', { exact: true }).selectOption('en');
  await expectAccessible(rpage, 'invitation');
  await screenshot(rpage, 'invitation-accept-en');
  await rpage.getByTestId('invitation-submit').click();
  await rpage.getByText(/Your account is ready/).waitFor();
  await rpage.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await rpage.getByLabel('E-mail address', { exact: true }).fill(researcherEmail);
  await rpage.getByLabel('Password', { exact: true }).fill('research with care');
  await rpage.getByTestId('sign-in-submit').click();
  await rpage.getByRole('heading', { name: 'First set up two-step sign-in' }).waitFor();
  await rpage.getByRole('link', { name: 'Set up now' }).click();
  await rpage.getByTestId('mfa-setup-start').click();
  const researcherSecret = (await rpage.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  await rpage.getByTestId('mfa-setup-code').fill(totpCode(researcherSecret));
  await rpage.getByRole('button', { name: 'Check code and turn on' }).click();
  await rpage.getByTestId('recovery-codes-saved').click();
  await rpage.goto('/');
  await rpage.getByRole('heading', { name: 'Researcher', level: 2 }).waitFor();
  await expectAccessible(rpage, 'researcher home');
  await screenshot(rpage, 'home-researcher-en');

  // On the server: a researcher of the organisation, with a verified address and two factors.
  const me = (await fetchIn(rpage, '/api/v1/me')).body;
  expect(me.account).toMatchObject({ email: researcherEmail, emailVerified: true, mfaEnabled: true });
  expect(me.roles).toEqual([
    expect.objectContaining({
      role: 'researcher',
      organisation: expect.objectContaining({ name: 'Universiteit Twente' }),
    }),
  ]);
  // And the researcher cannot open the administration.
  const denied = (await fetchIn(rpage, '/api/v1/admin/accounts')).status;
  expect(denied).toBe(403);
  await admin.context.close();
  await researcher.context.close();
});
