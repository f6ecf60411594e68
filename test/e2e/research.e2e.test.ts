import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/access/index.ts';
import { FIVE_MINUTES, localDate, midnight } from '../glucose.ts';
import {
  documentLanguage,
  expectAccessible,
  fetchIn,
  opacity,
  type Platform,
  screenshot,
  startPlatform,
  switchTo,
} from './harness.ts';
import { grantedAtJoining, member, signedInMember, staffMember } from './people.ts';
import { staffActor, studyOf } from './studies.ts';

// A member finds a study on the Studies page, reads its consent, signs it, and later stops taking part; the
// study team sees her only by pseudonym, and no more once she stopped.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

const staff = (role: 'researcher' | 'data_steward') => staffActor(platform, role);

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
  await card.getByRole('button', { name: 'Meedoen', exact: true }).click();
  await card.getByText('Vink aan dat u de tekst hebt gelezen en wilt meedoen.').waitFor();
  await expectAccessible(page, 'a study to take part in');
  await screenshot(page, 'studies-nl');
  await card.getByLabel('Ik heb de tekst hierboven gelezen en ik wil meedoen').check();
  await card.getByRole('button', { name: 'Meedoen', exact: true }).click();
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

// A study team asks for data in the browser, a data steward approves it with conditions of use, and the team
// makes the extract, follows it until it is ready and downloads its files.

/** Two days of 5-minute CGM readings (mg/dL), imported as the member would upload a Nightscout file. */
async function importTwoDays(accountId: string) {
  const from = midnight(3);
  const entries = Array.from({ length: 2 * 288 }, (_, i) => ({
    type: 'sgv',
    sgv: [90, 130, 170][i % 3],
    date: from + i * FIVE_MINUTES,
    device: 'xDrip-DexcomG6',
  }));
  const bytes = Buffer.from(JSON.stringify(entries));
  const summary = await platform.app.measurements.importFile(
    { accountId, roles: ['citizen'], mfaVerified: false },
    accountId,
    { name: 'entries.json', size: bytes.length, open: () => Readable.from([bytes]) },
    { format: 'nightscout' },
  );
  expect(summary.imported).toBe(entries.length);
}

it('a researcher asks for data, a data steward approves it with conditions, the researcher makes the extract and downloads it; in Dutch and English, accessible', async () => {
  // The principal investigator signs in (with two steps) in her own browser.
  const team = await platform.person();
  const researcherPage = team.page;
  await staffMember(platform, researcherPage, 'researcher', 'Rianne Onderzoeker');
  const me = await fetchIn(researcherPage, '/api/v1/me');
  const pi: Actor = { accountId: me.body.account.id, roles: ['researcher'], mfaVerified: true };
  // Her study, approved and recruiting, with three members who wear a sensor and consent to research.
  const study = await studyOf(platform, pi, {
    title: { nl: 'Glucose en slaap', en: 'Glucose and sleep' },
    summary: {
      nl: 'Hoe hangt uw glucose ’s nachts samen met hoe u slaapt?',
      en: 'How does your glucose at night relate to how you sleep?',
    },
  });
  const consents = await grantedAtJoining(platform, 'personal_insights', 'research');
  for (const name of ['Anouk', 'Bram', 'Cor']) {
    const { accountId } = await member(platform, name, { consents });
    await importTwoDays(accountId);
    await platform.app.research.enrol({ accountId, roles: ['citizen'], mfaVerified: false }, study.id, {
      consentVersion: study.consent.version,
      consentSha256: study.consent.sha256,
    });
  }

  // She opens the study from "Onderzoek beheren" and asks for data.
  await researcherPage.getByRole('navigation').getByRole('link', { name: 'Onderzoek beheren' }).click();
  await researcherPage.getByRole('heading', { level: 1, name: 'Onderzoek beheren' }).waitFor();
  await researcherPage.getByRole('link', { name: 'Glucose en slaap' }).click();
  await researcherPage.getByRole('heading', { level: 1, name: 'Glucose en slaap' }).waitFor();
  const form = researcherPage.getByTestId('request-form');
  // Nothing chosen yet: each mistake is said at its field.
  await form.getByRole('button', { name: 'Aanvraag indienen' }).click();
  await form.getByTestId('datasets-error').getByText('Kies ten minste één gegevensset.').waitFor();
  await form.getByText('Beschrijf waarvoor de gegevens zijn.').waitFor();
  await form.getByRole('checkbox', { name: 'Glucose: sensorwaarden' }).check();
  const cgm = form.getByRole('group', { name: 'Variabelen van Glucose: sensorwaarden' });
  await cgm.getByRole('checkbox', { name: 'Tijd van de meting (UTC)' }).check();
  await cgm.getByRole('checkbox', { name: 'Glucose in weefselvocht (mmol/L)' }).check();
  await form.getByRole('checkbox', { name: 'Deelnemers' }).check();
  await form
    .getByRole('group', { name: 'Variabelen van Deelnemers' })
    .getByRole('checkbox', { name: 'Geboortejaar' })
    .check();
  const today = localDate(Date.now());
  const monthAgo = localDate(Date.now() - 30 * 86_400_000);
  // A period that ends before it starts is refused at the end date.
  await form.getByLabel('Van', { exact: true }).fill(today);
  await form.getByLabel('Tot en met', { exact: true }).fill(monthAgo);
  await form.getByLabel('Doel', { exact: true }).fill('Nachtelijke glucose naast slaapduur (protocol §4.2).');
  await form.getByRole('button', { name: 'Aanvraag indienen' }).click();
  await form.getByText('Het einde van de periode mag niet voor het begin liggen.').waitFor();
  await form.getByLabel('Van', { exact: true }).fill(monthAgo);
  await form.getByLabel('Tot en met', { exact: true }).fill(today);
  await researcherPage.getByRole('heading', { level: 2, name: 'Gegevens aanvragen' }).click();
  await expectAccessible(researcherPage, 'the request form, filled in');
  await screenshot(researcherPage, 'research-data-request-nl');
  await switchTo(researcherPage, 'en');
  // The choices stay when the language changes; the labels and units come from the catalogue in English.
  const cgmEn = form.getByRole('group', { name: 'Variables of Glucose: sensor readings' });
  expect(await cgmEn.getByRole('checkbox', { name: 'Interstitial glucose (mmol/L)' }).isChecked()).toBe(true);
  await expectAccessible(researcherPage, 'the request form, in English');
  await screenshot(researcherPage, 'research-data-request-en');
  await switchTo(researcherPage, 'nl');
  // The server's refusal lands at its field: the 14-day summary has no FHIR form.
  const formats = form.getByRole('group', { name: 'Bestandsvormen' });
  await formats.getByRole('checkbox', { name: 'FHIR R4', exact: false }).check();
  await form.getByRole('checkbox', { name: 'Glucose: samenvatting van 14 dagen' }).check();
  await form
    .getByRole('group', { name: 'Variabelen van Glucose: samenvatting van 14 dagen' })
    .getByRole('checkbox', { name: 'Gemiddelde glucose (mmol/L)' })
    .check();
  await form.getByRole('button', { name: 'Aanvraag indienen' }).click();
  await form.getByText('heeft geen FHIR-vorm', { exact: false }).waitFor();
  await expectAccessible(researcherPage, 'the request form with the server’s field error');
  await form.getByRole('checkbox', { name: 'Glucose: samenvatting van 14 dagen' }).uncheck();
  await formats.getByRole('checkbox', { name: 'FHIR R4', exact: false }).uncheck();
  await form.getByRole('button', { name: 'Aanvraag indienen' }).click();
  await researcherPage.getByText('Uw aanvraag is verstuurd.', { exact: false }).waitFor();
  const asked = researcherPage.getByTestId('data-request');
  await asked.getByTestId('request-status').getByText('Wacht op een besluit').waitFor();
  await asked.getByText('Glucose in weefselvocht (mmol/L)', { exact: false }).waitFor();
  await expectAccessible(researcherPage, 'the study’s data request, waiting for a decision');

  // A data steward finds it in the queue, with the labels of what is asked, and approves with conditions.
  const stewardBrowser = await platform.person();
  const stewardPage = stewardBrowser.page;
  await staffMember(platform, stewardPage, 'data_steward', 'Dirk Databeheer');
  await stewardPage
    .getByRole('navigation')
    .getByRole('link', { name: 'Gegevensaanvragen beoordelen' })
    .click();
  const queued = stewardPage.getByRole('article', { name: 'Glucose en slaap' });
  await queued.getByText('Nachtelijke glucose naast slaapduur', { exact: false }).waitFor();
  await queued.getByText('Geboortejaar', { exact: false }).waitFor();
  await expectAccessible(stewardPage, 'the review queue');
  await screenshot(stewardPage, 'research-review-nl');
  await switchTo(stewardPage, 'en');
  const queuedEn = stewardPage.getByRole('article', { name: 'Glucose and sleep' });
  await queuedEn.getByText('Interstitial glucose (mmol/L)', { exact: false }).waitFor();
  await expectAccessible(stewardPage, 'the review queue, in English');
  await screenshot(stewardPage, 'research-review-en');
  await queuedEn.getByRole('button', { name: 'Approve' }).click();
  const dialog = stewardPage.getByRole('dialog', { name: 'Approve this request?' });
  await dialog
    .getByLabel('Conditions of use (optional)')
    .fill('No linking with other data sets; delete the data when the study ends.');
  // Checked once the dialog has faded in: halfway, its text is as pale as its opacity.
  await expect.poll(() => opacity(dialog)).toBe('1');
  await expectAccessible(stewardPage, 'the approval dialog');
  await dialog.getByRole('button', { name: 'Approve request' }).click();
  await stewardPage.getByText('The request of “Glucose and sleep” has been approved.').waitFor();
  await stewardPage.getByText('No requests are waiting for a decision.').waitFor();
  await stewardBrowser.context.close();

  // The researcher sees the approval and its conditions, makes the extract and follows it until it is ready.
  await researcherPage.reload();
  const approved = researcherPage.getByTestId('data-request');
  await approved.getByTestId('request-status').getByText('Goedgekeurd').waitFor();
  await approved
    .getByTestId('conditions')
    .getByText('No linking with other data sets', { exact: false })
    .waitFor();
  await approved.getByRole('button', { name: 'Extract maken' }).click();
  const extract = researcherPage.getByTestId('extract');
  await extract.waitFor();
  await extract.getByTestId('extract-status').getByText('Klaar').waitFor({ timeout: 60_000 });
  await extract.getByTestId('extract-live').getByText('Het extract is klaar, met 3 deelnemers.').waitFor();
  await extract.getByTestId('extract-participants').getByText('3 deelnemers.', { exact: false }).waitFor();
  await extract.getByTestId('conditions').getByText('No linking', { exact: false }).waitFor();
  await extract.getByRole('link', { name: 'manifest.json' }).waitFor();
  await expectAccessible(researcherPage, 'a ready extract');
  await screenshot(researcherPage, 'research-extract-nl');

  // The files are those of the manifest: a download gives the bytes whose SHA-256 the page shows.
  const studyExtracts = await fetchIn(researcherPage, `/api/v1/research/studies/${study.id}/extracts`);
  const ready = studyExtracts.body.extracts[0];
  expect(ready).toMatchObject({ status: 'ready', participants: 3 });
  const listed = ready.manifest.files.find((file: { name: string }) => file.name === 'cgm.csv');
  expect(listed.rows).toBe(3 * 2 * 288);
  const row = extract.getByRole('row').filter({ hasText: 'cgm.csv' });
  await row.getByText(listed.sha256).waitFor({ state: 'attached' });
  const [download] = await Promise.all([
    researcherPage.waitForEvent('download'),
    row.getByRole('link', { name: 'cgm.csv' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('cgm.csv');
  const bytes = await readFile((await download.path()) as string);
  expect(bytes.length).toBe(listed.bytes);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed.sha256);
  expect(bytes.toString('utf8').split('\n')[0]).toBe('pseudonym,time_utc,glucose_mmol_l');
  const answer = await researcherPage.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type') };
  }, `/api/v1/research/extracts/${ready.id}/files/cgm.csv`);
  expect(answer).toEqual({ status: 200, type: expect.stringMatching(/^text\/csv/) });

  await switchTo(researcherPage, 'en');
  await extract.getByTestId('extract-status').getByText('Ready').waitFor();
  await extract.getByTestId('conditions').getByText('Conditions of use', { exact: true }).waitFor();
  await expectAccessible(researcherPage, 'a ready extract, in English');
  await screenshot(researcherPage, 'research-extract-en');
  await team.context.close();
});
