import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Role } from '../../src/platform/access/index.ts';
import { totpCode } from '../app.ts';
import type { Platform } from './harness.ts';

/** The password of everyone the browser tests make. */
export const PASSWORD = 'een goed wachtwoord voor de browsertests';

type JoinChoices = Parameters<Platform['app']['participants']['join']>[1];

/** Signs in on the sign-in page (Dutch, the default language). */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
}

/** Sets the password through the link that create-user gives. */
export async function setPassword(page: Page, setPasswordUrl: string): Promise<void> {
  await page.goto(setPasswordUrl);
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await page.getByText(/Uw nieuwe wachtwoord is opgeslagen/).waitFor();
}

export async function setPasswordAndSignIn(page: Page, setPasswordUrl: string, email: string): Promise<void> {
  await setPassword(page, setPasswordUrl);
  await signIn(page, email);
}

/**
 * A member of the Citizen Lab made the way support makes one: create-user, then joined through the service
 * (the joining screens have tests of their own). Not signed in yet: see {@link setPasswordAndSignIn}.
 */
export async function member(platform: Platform, name: string, choices: Partial<JoinChoices> = {}) {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.org`;
  const { accountId, setPasswordUrl } = await platform.app.identity.admin.createUser({
    email,
    displayName: name,
    roles: ['citizen'],
    organisationId: null,
    locale: 'nl',
  });
  await platform.app.participants.join(
    { accountId, roles: ['citizen'], mfaVerified: false },
    {
      birthYear: 1975,
      birthMonth: 3,
      sexAtBirth: 'female',
      postcode4: '7511',
      contactPreference: 'email',
      consents: [],
      ...choices,
    },
  );
  return { email, accountId, setPasswordUrl };
}

/**
 * Join choices that say yes to these purposes, at the versions of the consent documents published now: for a
 * member who joined with, say, personal insights allowed (`member(platform, name, { consents: … })`).
 */
export async function grantedAtJoining(
  platform: Platform,
  ...purposeKeys: string[]
): Promise<JoinChoices['consents']> {
  const catalogue = await platform.app.consent.catalogue();
  return purposeKeys.map((purposeKey) => {
    const document = catalogue.find((candidate) => candidate.purposeKey === purposeKey);
    if (!document) throw new Error(`no consent purpose ${purposeKey}`);
    return { purposeKey, decision: 'granted' as const, documentVersion: document.version };
  });
}

/** A member, signed in on `page`. */
export async function signedInMember(
  platform: Platform,
  page: Page,
  name: string,
  choices: Partial<JoinChoices> = {},
) {
  const made = await member(platform, name, choices);
  await setPasswordAndSignIn(page, made.setPasswordUrl, made.email);
  await page.getByTestId('sign-out').waitFor();
  return made;
}

/** Staff made by create-user: set the password, sign in, and set up two factors as staff must. */
export async function staffMember(platform: Platform, page: Page, role: Role, name: string): Promise<void> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.org`;
  const { setPasswordUrl } = await platform.app.identity.admin.createUser({
    email,
    displayName: name,
    roles: [role],
    organisationId: null,
    locale: 'nl',
  });
  await setPasswordAndSignIn(page, setPasswordUrl, email);
  await page.getByRole('heading', { name: 'Stel eerst inloggen met twee stappen in' }).waitFor();
  await page.getByRole('link', { name: 'Nu instellen' }).click();
  await page.getByTestId('mfa-setup-start').click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  await page.getByTestId('mfa-setup-code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Code controleren en aanzetten' }).click();
  await page.getByTestId('recovery-codes-saved').click();
}
