import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_STAFF, type DemoResult, loadDemo } from '../../src/demo/index.ts';
import type { Actor } from '../../src/platform/access/index.ts';
import { expectAccessible, opacity, type Platform, screenshot, startPlatform, switchTo } from './harness.ts';

// A study from its first draft to its end, in the browser: a researcher of the demo region writes it, records the
// ethics decision and how many may take part, builds its criteria while the counts follow; a data steward approves
// it; the researcher opens recruitment; a member of the demo panel reads its consent and takes part; the researcher
// sees her only by the study's pseudonym, closes recruitment and completes the study.

let platform: Platform;
let demo: DemoResult;
beforeAll(async () => {
  platform = await startPlatform();
  // The demo region of `npm start`: enough members for counts above the small-cell minimum, featured members among them.
  demo = await loadDemo(platform.app.database, DEFAULT_DEMO);
}, 180_000);
afterAll(() => platform?.stop());

const TITLE = { nl: 'Bewegen en glucose in Twente', en: 'Exercise and glucose in Twente' };

/** Signs in with one click as a demo account (staff pass their second factor that way). */
async function demoSignIn(page: Page, testId: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByTestId(testId).click();
  await page.getByRole('button', { name: 'Uitloggen' }).waitFor();
}

const staffActor = (local: string, role: 'researcher' | 'data_steward'): Actor => {
  const staff = DEMO_STAFF.find((member) => member.email.startsWith(`${local}@`));
  if (!staff) throw new Error(`no demo ${local}`);
  return { accountId: staff.id, roles: [role], mfaVerified: true };
};

/** The number the page says meets all criteria, or null while it says "fewer than". */
async function shownTotal(page: Page): Promise<number | null> {
  const text = await page.getByTestId('feasibility-total').innerText();
  const match = /^([\d.,]+)/.exec(text.trim());
  return match ? Number((match[1] ?? '').replace(/[.,]/g, '')) : null;
}

it('a researcher drafts a study with its ethics decision and criteria, a data steward approves it, a member takes part, and the study completes; in Dutch and English, accessible', async () => {
  const pi = staffActor('researcher', 'researcher');
  const research = platform.app.research;

  // The researcher starts a study from Manage research.
  const team = await platform.person();
  const page = team.page;
  await demoSignIn(page, 'demo-researcher');
  await page.getByRole('navigation').getByRole('link', { name: 'Onderzoek beheren' }).click();
  await page.getByRole('link', { name: 'Nieuw onderzoek' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nieuw onderzoek' }).waitFor();
  const form = page.getByTestId('new-study');
  // Nothing filled in: each text says so at its field.
  await form.getByRole('button', { name: 'Onderzoek aanmaken' }).click();
  await form.getByText('Vul dit in.').first().waitFor();
  expect(await form.getByText('Vul dit in.').count()).toBe(6);
  await expectAccessible(page, 'a new study, with the mistakes at the fields');
  await switchTo(page, 'en');
  await form.getByText('Fill this in.').first().waitFor();
  await expectAccessible(page, 'a new study, in English');
  await switchTo(page, 'nl');
  await form.getByLabel('Titel in het Nederlands').fill(TITLE.nl);
  await form.getByLabel('Titel in het Engels').fill(TITLE.en);
  await form
    .getByLabel('Samenvatting in het Nederlands')
    .fill('Hoe hangt wandelen samen met uw glucose? U draagt twee weken een sensor en een stappenteller.');
  await form
    .getByLabel('Samenvatting in het Engels')
    .fill('How does walking relate to your glucose? You wear a sensor and a step counter for two weeks.');
  await form
    .getByLabel('Toestemmingsverklaring in het Nederlands')
    .fill('Ik doe vrijwillig mee. Mijn gegevens worden onder een code gebruikt. Ik mag altijd stoppen.');
  await form
    .getByLabel('Toestemmingsverklaring in het Engels')
    .fill('I take part voluntarily. My data are used under a code. I may stop at any time.');
  await form.getByRole('button', { name: 'Onderzoek aanmaken' }).click();

  // It is a draft, and she is its principal investigator: on to its settings.
  await page.getByRole('heading', { level: 1, name: `Instellingen: ${TITLE.nl}` }).waitFor();
  await page.getByText('Het onderzoek is aangemaakt als concept.', { exact: false }).waitFor();
  const studyId = /\/research\/([0-9a-f-]{36})\/settings$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
  expect((await research.get(pi, studyId)).team).toEqual([
    { accountId: pi.accountId, role: 'principal_investigator' },
  ]);
  const lifecycle = page.locator('#lifecycle');
  await lifecycle.getByText('dat ontbreekt nog', { exact: false }).waitFor();
  // Only a data steward approves: the principal investigator has no button for it.
  expect(await lifecycle.getByRole('button').count()).toBe(0);

  // The ethics decision: the SHA-256 of the chosen PDF is computed in the browser.
  const ethics = page.getByTestId('ethics-form');
  await ethics.getByLabel('Commissie', { exact: true }).fill('METC Oost-Nederland');
  await ethics.getByLabel('Kenmerk', { exact: true }).fill('NL81234.091.26');
  await ethics.getByLabel('Datum van het besluit', { exact: true }).fill('2026-09-14');
  // A mistyped hash is said at its field.
  await ethics.getByLabel('SHA-256 van het besluitdocument').fill('abc');
  await ethics.getByRole('button', { name: 'Besluit opslaan' }).click();
  await ethics.getByText('Geef een SHA-256 van 64 tekens, 0–9 en a–f.').waitFor();
  const pdf = Buffer.from('%PDF-1.4\n% Besluit METC Oost-Nederland NL81234.091.26: positief\n%%EOF\n');
  await ethics.getByTestId('ethics-document').setInputFiles({
    name: 'besluit-metc.pdf',
    mimeType: 'application/pdf',
    buffer: pdf,
  });
  await ethics.getByText('SHA-256 berekend uit besluit-metc.pdf.').waitFor();
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  expect(await ethics.getByLabel('SHA-256 van het besluitdocument').inputValue()).toBe(sha256);
  await ethics.getByRole('button', { name: 'Besluit opslaan' }).click();
  await ethics.getByText('Het besluit van de ethische commissie is opgeslagen.').waitFor();
  expect((await research.get(pi, studyId)).ethics).toEqual({
    committee: 'METC Oost-Nederland',
    reference: 'NL81234.091.26',
    decidedOn: '2026-09-14',
    documentSha256: sha256,
  });
  await lifecycle.getByText('Het wacht op goedkeuring door een databeheerder.', { exact: false }).waitFor();

  // How many take part: a total alone, removed again; then at most 50, and at most 30 of each sex at birth.
  const quota = page.getByTestId('quota-form');
  await quota.getByLabel('Hoogstens in totaal').fill('50');
  await quota.getByRole('button', { name: 'Maximum opslaan' }).click();
  await quota.getByText('Het maximum is opgeslagen.').waitFor();
  expect((await research.get(pi, studyId)).enrolmentQuota).toEqual({ total: 50 });
  await quota.getByRole('button', { name: 'Maximum verwijderen' }).click();
  await quota.getByText('Het maximum is verwijderd', { exact: false }).waitFor();
  expect((await research.get(pi, studyId)).enrolmentQuota).toBeNull();
  expect(await quota.getByLabel('Hoogstens in totaal').inputValue()).toBe('');
  // The button that removed it is gone: the focus is where a new limit is typed.
  await expect
    .poll(() =>
      quota
        .getByLabel('Hoogstens in totaal')
        .evaluate((input) => input === input.ownerDocument.activeElement),
    )
    .toBe(true);
  await quota.getByLabel('Hoogstens in totaal').fill('50');
  await quota.getByLabel('Per groep', { exact: true }).selectOption({ label: 'Geslacht bij geboorte' });
  // A group without its number is said at the field.
  await quota.getByRole('button', { name: 'Maximum opslaan' }).click();
  await quota.getByText('Vul dit in.').waitFor();
  await quota.getByLabel('Hoogstens per groep').fill('30');
  await quota.getByRole('button', { name: 'Maximum opslaan' }).click();
  await quota.getByText('Het maximum is opgeslagen.').waitFor();
  expect((await research.get(pi, studyId)).enrolmentQuota).toEqual({
    total: 50,
    stratifyBy: 'sex',
    perStratum: 30,
  });
  // Adding someone who is not a researcher is refused at the field.
  const teamForm = page.getByTestId('team-form');
  await teamForm
    .getByLabel('Accountnummer van een onderzoeker')
    .fill(staffActor('steward', 'data_steward').accountId);
  await teamForm.getByRole('button', { name: 'Toevoegen aan het team' }).click();
  await teamForm.getByText('Dit account is geen onderzoeker, of bestaat niet.').waitFor();
  await teamForm
    .getByLabel('Accountnummer van een onderzoeker')
    .fill(staffActor('researcher.radboud', 'researcher').accountId);
  await teamForm.getByRole('button', { name: 'Toevoegen aan het team' }).click();
  await page.getByText('De onderzoeker is toegevoegd aan het team.').waitFor();
  await page
    .getByRole('table', { name: 'Het onderzoeksteam' })
    .getByRole('row', { name: /Onderzoeker$/ })
    .waitFor();
  await page.getByRole('heading', { level: 2, name: 'Team' }).click();
  await expectAccessible(page, 'the study’s settings');
  await screenshot(page, 'study-editor-nl');
  await switchTo(page, 'en');
  await page.getByRole('heading', { level: 1, name: `Settings: ${TITLE.en}` }).waitFor();
  await expectAccessible(page, 'the study’s settings, in English');
  await screenshot(page, 'study-editor-en');
  await switchTo(page, 'nl');

  // Criteria, with counts that follow every edit.
  await page
    .getByRole('navigation', { name: 'Onderdelen van dit onderzoek' })
    .getByRole('link', { name: 'Selectiecriteria' })
    .click();
  await page.getByRole('heading', { level: 1, name: `Selectiecriteria: ${TITLE.nl}` }).waitFor();
  const funnel = page.getByRole('table', { name: 'Leden die voldoen aan elke stap en alle stappen ervoor' });
  await expect.poll(() => funnel.getByTestId('funnel-step').count()).toBe(3);
  await funnel.getByRole('row', { name: /Leden van het Citizen Lab\s+2\.000/ }).waitFor();
  const everyone = await shownTotal(page);
  expect(everyone).toBeGreaterThan(20);

  const builder = page.getByTestId('criteria-form');
  await builder.getByLabel('Soort criterium').selectOption({ label: 'Leeftijd' });
  await builder.getByRole('button', { name: 'Criterium toevoegen' }).click();
  const age = builder.getByRole('group', { name: 'Criterium 1: Leeftijd' });
  // The new criterion takes the focus, so a keyboard user lands in it.
  await expect
    .poll(() => age.evaluate((element) => element === element.ownerDocument.activeElement))
    .toBe(true);
  await age.getByLabel('Minimumleeftijd (jaren)').fill('40');
  await age.getByLabel('Maximumleeftijd (jaren)').fill('30');
  await age.getByText('Het hoogste mag niet lager zijn dan het laagste.').waitFor();
  await age.getByLabel('Maximumleeftijd (jaren)').fill('75');
  await funnel.getByRole('row', { name: /Leeftijd 40 tot en met 75 jaar/ }).waitFor();
  await expect.poll(() => shownTotal(page)).not.toBe(everyone);
  const ofAge = await shownTotal(page);
  expect(ofAge).toBeLessThan(everyone ?? 0);

  await builder.getByLabel('Soort criterium').selectOption({ label: 'Gemeente' });
  await builder.getByRole('button', { name: 'Criterium toevoegen' }).click();
  const where = builder.getByRole('group', { name: 'Criterium 2: Gemeente' });
  await where.getByText('Telt pas mee als dit is ingevuld.').waitFor();
  const municipalities = where.getByLabel('Gemeenten');
  await municipalities.click();
  await municipalities.fill('Ensch');
  await page.getByRole('option', { name: 'Enschede' }).click();
  await municipalities.fill('Hengelo');
  await page.getByRole('option', { name: 'Hengelo' }).click();
  await page.keyboard.press('Escape');
  await funnel.getByRole('row', { name: /Woont in Enschede of Hengelo/ }).waitFor();
  await expect.poll(() => shownTotal(page)).not.toBe(ofAge);
  // The page shows what the server counts for the same criteria.
  const counted = await research.feasibility(pi, studyId, {
    all: [
      { field: 'age', min: 40, max: 75 },
      { field: 'municipality', in: ['GM0153', 'GM0164'] },
    ],
  });
  expect(await shownTotal(page)).toBe(counted.funnel.at(-1)?.count ?? null);
  const byMunicipality = page.getByRole('table', {
    name: 'Leden die aan alle criteria voldoen, per gemeente',
  });
  await byMunicipality.getByRole('row', { name: /Enschede/ }).waitFor();
  await page
    .getByRole('table', { name: 'Leden die aan alle criteria voldoen, per leeftijdsgroep' })
    .waitFor();
  await builder.getByText('Wijzigingen nog niet opgeslagen.').waitFor();
  await builder.getByRole('button', { name: 'Selectiecriteria opslaan' }).click();
  await builder.getByText('De selectiecriteria zijn opgeslagen.').waitFor();
  expect((await research.get(pi, studyId)).criteria).toEqual({
    all: [
      { field: 'age', min: 40, max: 75 },
      { field: 'municipality', in: ['GM0153', 'GM0164'] },
    ],
  });
  await expectAccessible(page, 'the criteria builder with live counts');
  await screenshot(page, 'criteria-builder-nl');
  await switchTo(page, 'en');
  await page
    .getByRole('table', { name: 'Members meeting each step and every step before it' })
    .getByRole('row', { name: /Lives in Enschede or Hengelo/ })
    .waitFor();
  await expectAccessible(page, 'the criteria builder, in English');
  await screenshot(page, 'criteria-builder-en');
  await switchTo(page, 'nl');
  // Back to the settings, left open while the data steward decides.
  await page
    .getByRole('navigation', { name: 'Onderdelen van dit onderzoek' })
    .getByRole('link', { name: 'Instellingen' })
    .click();
  await page.getByTestId('texts-form').waitFor();

  // A data steward finds the draft, reads it, and approves it.
  const stewardBrowser = await platform.person();
  const steward = stewardBrowser.page;
  await demoSignIn(steward, 'demo-steward');
  await steward.getByRole('navigation').getByRole('link', { name: 'Onderzoeken goedkeuren' }).click();
  const draft = steward.getByRole('article', { name: TITLE.nl });
  await draft.getByText('METC Oost-Nederland').waitFor();
  await draft.getByText('Woont in Enschede of Hengelo').waitFor();
  const draftQuota = draft.getByTestId('quota-review');
  await draftQuota.getByText('50', { exact: true }).waitFor();
  await draftQuota.getByText('Geslacht bij geboorte: hoogstens 30 per groep').waitFor();
  await draft.getByText('De toestemmingsverklaring lezen').click();
  await draft.getByText('Ik doe vrijwillig mee.', { exact: false }).waitFor();
  await expectAccessible(steward, 'studies to approve');
  await switchTo(steward, 'en');
  const draftEn = steward.getByRole('article', { name: TITLE.en });
  await draftEn.getByText('Lives in Enschede or Hengelo').waitFor();
  await draftEn.getByTestId('quota-review').getByText('Sex at birth: at most 30 per group').waitFor();
  await expectAccessible(steward, 'studies to approve, in English');
  await switchTo(steward, 'nl');
  await draft.getByRole('button', { name: 'Onderzoek goedkeuren' }).click();
  const approve = steward.getByRole('dialog', { name: 'Dit onderzoek goedkeuren?' });
  await expect.poll(() => opacity(approve)).toBe('1');
  await expectAccessible(steward, 'the approval dialog');
  await approve.getByRole('button', { name: 'Onderzoek goedkeuren' }).click();
  await steward.getByText(`‘${TITLE.nl}’ is goedgekeurd.`).waitFor();
  await steward.getByText('Er wachten geen onderzoeken op goedkeuring.').waitFor();
  await stewardBrowser.context.close();

  // The researcher's page was open: saving a text now is refused, and said as a notice.
  await page.getByTestId('texts-form').getByRole('button', { name: 'Teksten opslaan' }).click();
  await page.getByText('Dit onderzoek is geen concept meer', { exact: false }).waitFor();
  await page.reload();
  await page.getByTestId('texts-frozen').waitFor();
  await page.getByTestId('quota-frozen').getByText('Geslacht bij geboorte: hoogstens 30 per groep').waitFor();
  await lifecycle.locator('[aria-current="step"]').getByText('Goedgekeurd').waitFor();
  await lifecycle.getByRole('button', { name: 'Werving openen' }).click();
  const open = page.getByRole('dialog', { name: 'De werving openen?' });
  await expect.poll(() => opacity(open)).toBe('1');
  await expectAccessible(page, 'the dialog that opens recruitment');
  await open.getByRole('button', { name: 'Werving openen' }).click();
  await lifecycle.getByText('Het onderzoek is nu: Werft deelnemers.').waitFor();
  expect((await research.get(pi, studyId)).status).toBe('recruiting');

  // A member of the demo panel finds it under Studies, reads its consent and takes part.
  const featured = demo.featured[0];
  if (!featured) throw new Error('the demo has no featured member');
  const memberBrowser = await platform.person();
  const member = memberBrowser.page;
  await member.goto('/sign-in');
  await member
    .getByTestId('demo-sign-ins')
    .getByRole('button', { name: new RegExp(`^Inloggen als ${featured.displayName}`) })
    .click();
  await member.getByRole('navigation').getByRole('link', { name: 'Onderzoek' }).click();
  const card = member.getByRole('article', { name: TITLE.nl });
  await card.getByTestId('study-consent').getByText('Ik doe vrijwillig mee.', { exact: false }).waitFor();
  await card.getByLabel('Ik heb de tekst hierboven gelezen en ik wil meedoen').check();
  await card.getByRole('button', { name: 'Meedoen', exact: true }).click();
  await card.getByTestId('study-my-status').getByText('U doet mee').waitFor();
  await memberBrowser.context.close();

  // The team sees her only by the study's pseudonym.
  await page
    .getByRole('navigation', { name: 'Onderdelen van dit onderzoek' })
    .getByRole('link', { name: 'Overzicht' })
    .click();
  const subjects = page.getByRole('table', { name: '1 deelnemer' });
  const pseudonym = await subjects.getByTestId('subject').locator('code').innerText();
  expect(pseudonym).toMatch(/^1-[A-Z2-7]{16}$/);
  expect(await research.subjects(pi, studyId)).toEqual([
    expect.objectContaining({ pseudonym, status: 'enrolled' }),
  ]);
  await subjects.getByRole('row', { name: /Doet mee/ }).waitFor();
  await expectAccessible(page, 'the study’s participants, by pseudonym');

  // Recruitment closes, and the study completes.
  await page
    .getByRole('navigation', { name: 'Onderdelen van dit onderzoek' })
    .getByRole('link', { name: 'Instellingen' })
    .click();
  await lifecycle.getByRole('button', { name: 'Werving sluiten' }).click();
  await page
    .getByRole('dialog', { name: 'De werving sluiten?' })
    .getByRole('button', { name: 'Werving sluiten' })
    .click();
  await lifecycle.getByText('Het onderzoek is nu: Gesloten voor nieuwe deelnemers.').waitFor();
  await lifecycle.getByRole('button', { name: 'Onderzoek afronden' }).click();
  const complete = page.getByRole('dialog', { name: 'Het onderzoek afronden?' });
  await complete.getByText('die kan niet ongedaan worden gemaakt', { exact: false }).waitFor();
  await complete.getByRole('button', { name: 'Onderzoek afronden' }).click();
  await lifecycle.getByText('Het onderzoek is nu: Afgerond.').waitFor();
  expect(await lifecycle.getByRole('button').count()).toBe(0);
  expect((await research.get(pi, studyId)).status).toBe('completed');
  await page
    .getByRole('navigation', { name: 'Onderdelen van dit onderzoek' })
    .getByRole('link', { name: 'Overzicht' })
    .click();
  await page
    .getByRole('table', { name: '1 deelnemer' })
    .getByRole('row', { name: /Afgerond/ })
    .waitFor();
  await switchTo(page, 'en');
  await page
    .getByRole('table', { name: '1 participant' })
    .getByRole('row', { name: new RegExp(`${pseudonym}\\s+Completed`) })
    .waitFor();
  await expectAccessible(page, 'the completed study’s participants, in English');
  await team.context.close();
});
