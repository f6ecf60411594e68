import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/access/index.ts';
import { documentLanguage, expectAccessible, type Platform, screenshot, startPlatform } from './harness.ts';
import { grantedAtJoining, signedInMember } from './people.ts';

// A member finds a study on the Studies page, reads its consent, signs it, and later stops taking part; the
// study team sees her only by pseudonym, and no more once she stopped.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

async function staff(role: 'researcher' | 'data_steward'): Promise<Actor> {
  const { accountId } = await platform.app.identity.admin.createUser({
    email: `${role}-${Date.now()}@example.org`,
    displayName: role,
    roles: [role],
    organisationId: null,
    locale: 'nl',
  });
  return { accountId, roles: [role], mfaVerified: true };
}

it('a member reads a study’s consent, takes part, and stops; in Dutch and English, accessible', async () => {
  const researcher = await staff('researcher');
  const steward = await staff('data_steward');
  const research = platform.app.research;
  const study = await research.create(researcher, {
    title: { nl: 'Glucose na de maaltijd', en: 'Glucose after meals' },
    summary: {
      nl: 'Hoe reageert uw glucose op het ontbijt? U draagt 14 dagen een sensor en vult twee vragenlijsten in.',
      en: 'How does your glucose respond to breakfast? You wear a sensor for 14 days and fill in two questionnaires.',
    },
    consent: {
      nl: 'Ik doe vrijwillig mee. Mijn gegevens worden gebruikt onder een code. Ik mag altijd stoppen.',
      en: 'I take part voluntarily. My data are used under a code. I may stop at any time.',
    },
  });
  await research.update(researcher, study.id, {
    ethics: {
      committee: 'METC Oost-Nederland',
      reference: 'NL12345.091.26',
      decidedOn: '2026-10-01',
      documentSha256: 'c'.repeat(64),
    },
  });
  await research.advance(steward, study.id, 'approved');
  await research.advance(researcher, study.id, 'recruiting');

  const { context, page } = await platform.person();
  const member = await signedInMember(platform, page, 'Ineke', {
    consents: await grantedAtJoining(platform, 'personal_insights', 'research'),
  });
  await page.getByRole('navigation').getByRole('link', { name: 'Onderzoek' }).click();
  const card = page.getByRole('article', { name: 'Glucose na de maaltijd' });
  await card.getByTestId('study-consent').getByText('Ik doe vrijwillig mee.', { exact: false }).waitFor();
  // Taking part needs the tick that she read the text.
  await card.getByRole('button', { name: 'Meedoen' }).click();
  await card.getByText('Vink aan dat u de tekst hebt gelezen en wilt meedoen.').waitFor();
  await expectAccessible(page, 'a study to take part in');
  await screenshot(page, 'studies-nl');
  await card.getByLabel('Ik heb de tekst hierboven gelezen en ik wil meedoen').check();
  await card.getByRole('button', { name: 'Meedoen' }).click();
  await card.getByTestId('study-my-status').getByText('U doet mee').waitFor();

  // The team sees her, by the study's pseudonym.
  const subjects = await research.subjects(researcher, study.id);
  expect(subjects).toHaveLength(1);
  expect(subjects[0]?.pseudonym).toMatch(/^1-[A-Z2-7]{16}$/);
  expect(JSON.stringify(subjects)).not.toContain(member.accountId);

  await page.getByTestId('language-switch').getByText('EN').click();
  expect(await documentLanguage(page)).toBe('en');
  const english = page.getByRole('article', { name: 'Glucose after meals' });
  await english.getByText('You take part since', { exact: false }).waitFor();
  await expectAccessible(page, 'a study she takes part in, in English');
  await screenshot(page, 'studies-en');
  await english.getByRole('button', { name: 'Stop taking part' }).click();
  await english.getByTestId('study-my-status').getByText('You stopped').waitFor();
  expect(await research.subjects(researcher, study.id)).toEqual([]);
  await context.close();
});
