import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  documentLanguage,
  expectAccessible,
  fetchIn,
  type Platform,
  screenshot,
  startPlatform,
} from './harness.ts';
import { signedInMember } from './people.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

/** The id of the element that has the keyboard focus. */
const focusedId = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { activeElement: { getAttribute(name: string): string | null } | null };
      }
    ).document;
    return doc.activeElement?.getAttribute('id') ?? null;
  });

/** How far the page sticks out sideways (0 when it fits the screen). */
const sidewaysOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document;
    return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
  });

const progress = (page: Page) => page.getByTestId('questionnaire-progress').innerText();

/** A yes/no or choice question: the radio button with this label inside the question's fieldset. */
const choose = (page: Page, question: RegExp, answer: string) =>
  page.getByRole('group', { name: question }).getByRole('radio', { name: answer, exact: true }).check();

/** The health page of FINDRISC: no blood-pressure medicines, no high glucose, no diabetes in the family. */
async function answerHealthPage(page: Page) {
  await choose(page, /medicijnen gebruikt tegen een hoge bloeddruk/, 'Nee');
  await choose(page, /ooit een te hoge bloedsuiker gemeten/, 'Nee');
  await choose(page, /Heeft iemand in uw familie diabetes/, 'Nee, niemand');
  await page.getByTestId('questionnaire-next').click();
}

it('a participant fills in the diabetes test page by page, leaves midway and resumes, reviews and sends it, then explores her risk report and what-if, in Dutch and English', async () => {
  const { context, page } = await platform.person();
  await signedInMember(platform, page, 'Mehmet', { birthYear: 1966, birthMonth: 9, sexAtBirth: 'male' });

  // Before consenting to personal insights, the report says why it shows nothing.
  await page.goto('/risk');
  await page.getByRole('heading', { level: 1, name: 'Mijn risico op diabetes type 2' }).waitFor();
  await page.getByTestId('risk-consent-link').waitFor();
  await expectAccessible(page, 'risk report without consent');

  // Yes to "my own results" on the consent dashboard.
  await page.getByTestId('risk-consent-link').click();
  await page
    .getByTestId('consent-card-personal_insights')
    .getByRole('button', { name: 'Ja, dat mag' })
    .click();
  await page.getByTestId('consent-status-personal_insights').getByText('U zei ja tegen').waitFor();

  // From the card on the home page to the questionnaires.
  await page.getByRole('navigation').getByRole('link', { name: 'Start' }).click();
  await page
    .getByTestId('home-questionnaires-open')
    .getByText(/vragenlijsten voor u klaar/)
    .waitFor();
  await expectAccessible(page, 'home with the questionnaires card');
  await page.getByTestId('home-questionnaires').click();
  await page.getByRole('heading', { level: 1, name: 'Vragenlijsten' }).waitFor();
  expect(await page.getByTestId('task-findrisc-state').innerText()).toMatch(/nieuw/i);
  await page.getByText('U heeft nog geen vragenlijst ingevuld.').waitFor();
  await expectAccessible(page, 'questionnaires, nothing filled in');

  // Page 1 of 4 (and the review): about her.
  await page.getByTestId('task-findrisc-open').click();
  await page
    .getByRole('heading', { level: 1, name: 'Test uw risico op diabetes type 2 (FINDRISC)' })
    .waitFor();
  expect(await progress(page)).toBe('Stap 1 van 5');
  expect(await page.getByRole('progressbar', { name: 'Stap 1 van 5' }).count()).toBe(1);
  const questionnaireId = new URL(page.url()).pathname.split('/').pop() ?? '';
  // Next without answers: every question on the page says what is missing.
  await page.getByTestId('questionnaire-next').click();
  await expect.poll(() => page.getByText('Geef hier een antwoord.').count()).toBe(2);
  expect(await progress(page)).toBe('Stap 1 van 5');
  await expectAccessible(page, 'questionnaire page with errors');
  await choose(page, /Hoe oud bent u/, '55 tot en met 64 jaar');
  // The keyboard works as well: into the sex question, and the arrow key moves to "Vrouw" and back to "Man".
  const male = page
    .getByRole('group', { name: /geslacht bij de geboorte/ })
    .getByRole('radio', { name: 'Man' });
  await male.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  expect(await male.isChecked()).toBe(true);
  await page.getByTestId('questionnaire-next').click();

  // Page 2: height, weight (the BMI appears as she types) and waist; a weight that cannot be is refused.
  await expect.poll(() => progress(page)).toBe('Stap 2 van 5');
  expect(await page.getByTestId('questionnaire-step-title').innerText()).toBe(
    'Lengte, gewicht en buikomvang',
  );
  const bmi = page.getByTestId('calculated-bmi');
  expect(await bmi.inputValue()).toBe('Nog niet bekend');
  await page.getByLabel('Hoe lang bent u? Meet zonder schoenen.').fill('180');
  await page.getByLabel('Hoeveel weegt u? Weeg uzelf zonder schoenen en zonder jas.').fill('20');
  await expect.poll(() => bmi.inputValue()).toBe('6,2 kg/m2');
  await page.getByLabel('Hoeveel centimeter is uw buikomvang (taille)?').fill('100');
  await page.getByTestId('questionnaire-next').click();
  await page.getByText('Dit is te laag. Vul 30 kg of meer in.').waitFor();
  expect(await progress(page)).toBe('Stap 2 van 5');
  await page.getByLabel('Hoeveel weegt u? Weeg uzelf zonder schoenen en zonder jas.').fill('95');
  await expect.poll(() => bmi.inputValue()).toBe('29,3 kg/m2');
  await page.getByText(/Zo meet u uw buikomvang/).waitFor();
  await expectAccessible(page, 'questionnaire page: body');
  await screenshot(page, 'questionnaire-page');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => sidewaysOverflow(page)).toBe(0);
  await page.setViewportSize({ width: 1280, height: 860 });
  // Enter in the last field goes on, as in any form.
  await page.getByLabel('Hoeveel centimeter is uw buikomvang (taille)?').press('Enter');

  // Page 3: activity and food; then she saves and stops for now.
  await expect.poll(() => progress(page)).toBe('Stap 3 van 5');
  await choose(page, /Beweegt u elke dag minstens 30 minuten/, 'Nee');
  await choose(page, /Eet u elke dag groente, fruit of bessen/, 'Ja');
  await page.getByTestId('questionnaire-save').click();
  await page.getByRole('heading', { level: 1, name: 'Vragenlijsten' }).waitFor();
  await page.getByText('Uw antwoorden zijn bewaard', { exact: true }).waitFor();
  expect(await page.getByTestId('task-findrisc-state').innerText()).toMatch(/bezig/i);
  const draft = await fetchIn(page, `/api/v1/me/questionnaires/${questionnaireId}/draft`);
  expect(draft.status).toBe(200);
  expect(JSON.stringify(draft.body.item)).toContain('"vegetables"');

  // She comes back and continues at the first page with open questions.
  await page.getByTestId('task-findrisc-open').click();
  await expect.poll(() => progress(page)).toBe('Stap 4 van 5');
  await page.getByText('U gaat verder waar u was gebleven').waitFor();
  await page.getByTestId('questionnaire-back').click();
  await expect.poll(() => progress(page)).toBe('Stap 3 van 5');
  const vegetablesYes = page
    .getByRole('group', { name: /Eet u elke dag groente/ })
    .getByRole('radio', { name: 'Ja', exact: true });
  expect(await vegetablesYes.isChecked()).toBe(true);
  await page.getByTestId('questionnaire-next').click();
  await expect.poll(() => progress(page)).toBe('Stap 4 van 5');
  await answerHealthPage(page);

  // The review: every answer, each with a way back to change it.
  await expect.poll(() => progress(page)).toBe('Stap 5 van 5');
  expect(await page.getByTestId('questionnaire-step-title').innerText()).toBe('Kijk uw antwoorden na');
  expect(await page.getByTestId('answer-height').innerText()).toContain('180 cm');
  expect(await page.getByTestId('answer-bmi').innerText()).toContain('29,3 kg/m2');
  expect(await page.getByTestId('answer-age-band').innerText()).toContain('55 tot en met 64 jaar');
  expect(await page.getByTestId('answer-activity').innerText()).toContain('Nee');
  await expectAccessible(page, 'questionnaire review');
  await screenshot(page, 'questionnaire-review');
  // She measured again: her waist is 104 cm.
  await page.getByTestId('change-waist').click();
  await expect.poll(() => progress(page)).toBe('Stap 2 van 5');
  const waist = page.getByLabel('Hoeveel centimeter is uw buikomvang (taille)?');
  const waistId = await waist.getAttribute('id');
  await expect.poll(() => focusedId(page)).toBe(waistId);
  await waist.fill('104');
  await page.getByRole('button', { name: 'Naar het overzicht' }).click();
  await expect.poll(() => progress(page)).toBe('Stap 5 van 5');
  expect(await page.getByTestId('answer-waist').innerText()).toContain('104 cm');

  // Sent: straight to the report. 55–64 (3) + BMI 29.3 (1) + waist 104 for a man (4) + not active (2) = 10.
  await page.getByTestId('questionnaire-submit').click();
  await page.waitForURL(/\/risk$/);
  await page.getByTestId('risk-score').waitFor();
  expect(await page.getByTestId('risk-score').innerText()).toBe('10');
  expect(await page.getByTestId('risk-category').innerText()).toBe('Uw risico is licht verhoogd.');
  expect(await page.getByTestId('risk-ten-year').innerText()).toBe(
    'Van elke 100 mensen met deze score krijgen er ongeveer 4 binnen 10 jaar diabetes type 2.',
  );
  expect(await page.getByRole('img', { name: /ongeveer 4 binnen 10 jaar/ }).count()).toBe(1);
  expect(await page.getByTestId('risk-dutch-category').innerText()).toContain('een verhoogd risico');
  await page.getByTestId('risk-advice-gp').getByText('Maak een afspraak met uw huisarts').waitFor();
  await page.getByTestId('risk-disclaimer').getByText('Dit is geen diagnose').waitFor();
  const factors = await page.getByTestId('risk-factors').getByRole('listitem').allInnerTexts();
  expect(factors[0]).toMatch(/Buikomvang[\s\S]*4 van 4 punten[\s\S]*Dit kunt u veranderen/);
  expect(factors[1]).toMatch(/Leeftijd[\s\S]*3 van 4 punten/);
  expect(factors[1]).not.toMatch(/Dit kunt u veranderen/);
  expect((await page.getByTestId('risk-history').getByTestId('risk-history-row').allInnerTexts())[0]).toMatch(
    /10 van 26[\s\S]*licht verhoogd/,
  );
  const scores = await fetchIn(page, '/api/v1/me/scores?model=findrisc');
  expect(scores.body.scores[0]).toMatchObject({
    model: 'findrisc',
    score: 10,
    category: 'slightly_elevated',
  });
  await page.getByRole('link', { name: /Download deze uitslag als FHIR/ }).waitFor();
  await page.getByTestId('risk-print').waitFor();
  await expectAccessible(page, 'risk report');
  await screenshot(page, 'risk-report');

  // What if she moved every day and weighed less? The same science as the server, in the page.
  const whatIf = page.getByTestId('what-if-score');
  expect(await whatIf.innerText()).toBe('Uw score zou dan 10 van de 26 punten zijn.');
  await page.getByRole('switch', { name: 'Elke dag minstens 30 minuten bewegen' }).check();
  await expect.poll(() => whatIf.innerText()).toBe('Uw score zou dan 8 van de 26 punten zijn.');
  const weight = page.getByRole('slider', { name: 'Gewicht' });
  await weight.focus();
  for (let kg = 95; kg > 80; kg--) await page.keyboard.press('ArrowLeft');
  expect(await page.getByTestId('what-if-weight-value').innerText()).toBe('80 kg (BMI 24,7)');
  await expect.poll(() => whatIf.innerText()).toBe('Uw score zou dan 7 van de 26 punten zijn.');
  expect(await page.getByTestId('what-if-difference').innerText()).toBe('Dat is 3 punten lager dan nu.');
  expect(await page.getByTestId('what-if-result').innerText()).toContain(
    'Uw risico zou dan licht verhoogd zijn.',
  );
  await expectAccessible(page, 'risk report, what-if moved');
  // Her real result did not change.
  expect(await page.getByTestId('risk-score').innerText()).toBe('10');

  // On a phone the report fits the screen: nothing sticks out sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => sidewaysOverflow(page)).toBe(0);
  await expectAccessible(page, 'risk report on a phone');
  await page.setViewportSize({ width: 1280, height: 860 });

  // The questionnaire is done, and her answers are in her history.
  await page.getByRole('navigation').getByRole('link', { name: 'Vragenlijsten' }).click();
  await page.getByRole('heading', { level: 1, name: 'Vragenlijsten' }).waitFor();
  expect(await page.getByTestId('task-findrisc-state').innerText()).toMatch(/ingevuld/i);
  const rows = page.getByTestId('questionnaire-history').getByTestId('questionnaire-history-row');
  await expect.poll(() => rows.count()).toBe(1);
  expect(await rows.first().innerText()).toContain('Test uw risico op diabetes type 2 (FINDRISC)');
  await expectAccessible(page, 'questionnaires with history');
  await screenshot(page, 'questionnaires-list');
  await rows
    .first()
    .getByRole('link', { name: /Bekijken/ })
    .click();
  await page.getByTestId('response-date').waitFor();
  expect(await page.getByTestId('answer-waist').innerText()).toContain('104 cm');
  expect(await page.getByTestId('answer-family-history').innerText()).toContain('Nee, niemand');
  expect(await page.getByTestId('response-fhir').getAttribute('href')).toMatch(
    /\/api\/v1\/me\/responses\/.+\/fhir$/,
  );
  await expectAccessible(page, 'a response, read only');

  // In English: the report follows the switch in the header.
  await page.getByTestId('language-switch').getByText('EN').click();
  await expect.poll(() => documentLanguage(page)).toBe('en');
  expect(await page.getByTestId('answer-waist').innerText()).toContain('How many centimetres is your waist?');
  await page.getByRole('navigation').getByRole('link', { name: 'My risk' }).click();
  await page.getByRole('heading', { level: 1, name: 'My risk of type 2 diabetes' }).waitFor();
  expect(await page.getByTestId('risk-category').innerText()).toBe('Your risk is slightly raised.');
  expect(await page.getByTestId('risk-ten-year').innerText()).toBe(
    'Of every 100 people with this score, about 4 get type 2 diabetes within 10 years.',
  );
  await page.getByTestId('risk-disclaimer').getByText('This is not a diagnosis').waitFor();
  await page.getByTestId('risk-advice-gp').getByText('Make an appointment with your GP').waitFor();
  await expectAccessible(page, 'risk report in English');
  await screenshot(page, 'risk-report-en');
  await context.close();
});

it('a participant sends the diabetes test while her own results are off, turns them on, and has the result of that test worked out on her risk page', async () => {
  const { context, page } = await platform.person();
  await signedInMember(platform, page, 'Fenna', { birthYear: 1966, birthMonth: 9, sexAtBirth: 'male' });

  // The test, sent without consent to "my own results": answers are kept, no result is worked out.
  await page.goto('/questionnaires');
  await page.getByTestId('task-findrisc-open').click();
  await expect.poll(() => progress(page)).toBe('Stap 1 van 5');
  await choose(page, /Hoe oud bent u/, '55 tot en met 64 jaar');
  await choose(page, /geslacht bij de geboorte/, 'Man');
  await page.getByTestId('questionnaire-next').click();
  await expect.poll(() => progress(page)).toBe('Stap 2 van 5');
  await page.getByLabel('Hoe lang bent u? Meet zonder schoenen.').fill('180');
  await page.getByLabel('Hoeveel weegt u? Weeg uzelf zonder schoenen en zonder jas.').fill('95');
  await page.getByLabel('Hoeveel centimeter is uw buikomvang (taille)?').fill('104');
  await page.getByTestId('questionnaire-next').click();
  await expect.poll(() => progress(page)).toBe('Stap 3 van 5');
  await choose(page, /Beweegt u elke dag minstens 30 minuten/, 'Nee');
  await choose(page, /Eet u elke dag groente, fruit of bessen/, 'Ja');
  await page.getByTestId('questionnaire-next').click();
  await expect.poll(() => progress(page)).toBe('Stap 4 van 5');
  await answerHealthPage(page);
  await expect.poll(() => progress(page)).toBe('Stap 5 van 5');
  await page.getByTestId('questionnaire-submit').click();
  await page
    .getByTestId('questionnaire-thanks')
    .getByText('Geen uitslag berekend', { exact: true })
    .waitFor();

  // Yes to "my own results" on the consent dashboard.
  await page.goto('/consent');
  await page
    .getByTestId('consent-card-personal_insights')
    .getByRole('button', { name: 'Ja, dat mag' })
    .click();
  await page.getByTestId('consent-status-personal_insights').getByText('U zei ja tegen').waitFor();

  // The risk page offers the result of the test she already sent.
  await page.goto('/risk');
  await page.getByRole('heading', { level: 1, name: 'Mijn risico op diabetes type 2' }).waitFor();
  const unscored = page.getByTestId('risk-unscored');
  await unscored.getByText(/U vulde de test in op .+\. Toen stond "Mijn eigen uitslagen" uit\./).waitFor();
  expect(await page.getByTestId('risk-score').count()).toBe(0);
  await expectAccessible(page, 'risk report with a test not worked out');
  await page.getByRole('button', { name: 'Laat mijn uitslag zien' }).click();

  // 55–64 (3) + BMI 29.3 (1) + waist 104 for a man (4) + not active (2) = 10.
  await page.getByTestId('risk-score').waitFor();
  expect(await page.getByTestId('risk-score').innerText()).toBe('10');
  await expect.poll(() => unscored.count()).toBe(0);
  const scores = await fetchIn(page, '/api/v1/me/scores?model=findrisc');
  expect(scores.body.scores).toHaveLength(1);
  await expectAccessible(page, 'risk report after working out an earlier test');
  await context.close();
});
