import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible, fetchIn, opacity, type Platform, screenshot, startPlatform } from './harness.ts';
import { signedInMember, staffMember } from './people.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

const HEADER =
  '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",' +
  '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",' +
  '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",' +
  '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",' +
  '"Matrix Ranking?","Field Annotation"';

/**
 * A small data dictionary as REDCap exports it, in Dutch: two forms (two pages), a record id and a name
 * (both left out, with a warning), and two questions that appear only when an earlier answer asks for them.
 */
const DICTIONARY = [
  HEADER,
  'record_id,beweging,,text,"Record ID",,,,,,,,,,,,,',
  'naam,beweging,,text,"Uw naam",,,,,,y,,,,,,,',
  'beweeg_dagen,beweging,"Bewegen",text,"Op hoeveel dagen per week beweegt u minstens een half uur?",,,integer,0,7,,,y,,,,,',
  'beweeg_soort,beweging,,radio,"Wat doet u dan het meest?","1, Wandelen | 2, Fietsen | 3, Zwemmen | 99, Iets anders",,,,,,"[beweeg_dagen] > 0",y,,,,,',
  'roken,leefstijl,"Roken",yesno,"Rookt u?",,,,,,,,y,,,,,',
  'sigaretten,leefstijl,,text,"Hoeveel sigaretten rookt u per dag?",,,integer,1,100,,"[roken] = \'1\'",y,,,,,',
  'opmerking,leefstijl,,notes,"Wilt u ons nog iets vertellen?",,,,,,,,,,,,,',
].join('\n');

/** The same file with two broken lines: a field type REDCap does not have, and a choice without options. */
const BROKEN_DICTIONARY = [
  HEADER,
  'beweeg_dagen,beweging,,number,"Op hoeveel dagen per week beweegt u?",,,,,,,,y,,,,,',
  'beweeg_soort,beweging,,radio,"Wat doet u het meest?",,,,,,,,y,,,,,',
].join('\n');

/** A FHIR Questionnaire with one item type the platform does not know, at #/item/1/type. */
const SLEEP = {
  resourceType: 'Questionnaire',
  url: 'https://topfit.nl/fhir/Questionnaire/slaap',
  title: 'Slaap',
  status: 'draft',
  item: [
    { linkId: 'uren', text: 'Hoeveel uur slaapt u per nacht?', type: 'integer' },
    { linkId: 'kwaliteit', text: 'Hoe goed slaapt u?', type: 'stars' },
  ],
};

/** An element's computed opacity, as the browser has it now. */

const progress = (page: Page) => page.getByTestId('questionnaire-progress').innerText();

it('a researcher imports a REDCap data dictionary, tries the draft out page by page, puts it in use every six months, and a participant finds it in her list', async () => {
  const researcher = await platform.person();
  const page = researcher.page;
  await staffMember(platform, page, 'researcher', 'Rik Onderzoeker');

  // From the card on the home page to the questionnaires: the library's instruments are there, in use.
  await page.goto('/');
  await page.getByTestId('home-authoring-drafts').getByText('Er staan geen concepten klaar.').waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Vragenlijsten beheren' }).waitFor();
  await page.getByTestId('home-authoring').click();
  await page.getByRole('heading', { level: 1, name: 'Vragenlijsten beheren' }).waitFor();
  await page.getByTestId('instrument-findrisc').waitFor();
  expect(await page.getByTestId('version-findrisc-1-status').innerText()).toBe('In gebruik');

  // A broken dictionary: nothing is stored, and every failing line is named.
  await page.getByRole('tab', { name: 'REDCap-datadictionary' }).click();
  const redcapFile = page.getByTestId('redcap-file');
  await redcapFile.setInputFiles({
    name: 'beweging-kapot.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(BROKEN_DICTIONARY),
  });
  // The short name makes the url: spaces are not allowed.
  await page.getByLabel('Korte naam', { exact: true }).fill('bewegen en roken');
  await page.getByTestId('redcap-submit').click();
  await page.getByText(/Gebruik 2 tot 63 letters, cijfers/).waitFor();
  await page.getByLabel('Korte naam', { exact: true }).fill('bewegen_roken');
  await page.getByTestId('redcap-submit').click();
  const problems = page.getByTestId('import-problems');
  await problems.getByText('Niet geïmporteerd').waitFor();
  const problemLines = await problems.getByRole('listitem').allInnerTexts();
  expect(problemLines.length).toBeGreaterThanOrEqual(2);
  expect(problemLines.some((line) => line.startsWith('Line 2 (Field Type)'))).toBe(true);
  expect(problemLines.some((line) => line.startsWith('Line 3'))).toBe(true);
  await expectAccessible(page, 'REDCap import refused');

  // The good dictionary becomes a draft; the record id and the name are left out, with a warning each.
  await redcapFile.setInputFiles({
    name: 'beweging.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(DICTIONARY),
  });
  await page.getByLabel('Titel (niet verplicht)', { exact: true }).fill('Bewegen en roken');
  expect(await page.getByLabel('Taal van het bestand', { exact: true }).inputValue()).toBe('nl');
  await page.getByTestId('redcap-submit').click();
  const done = page.getByTestId('import-done');
  await done.getByText('“Bewegen en roken”, versie 1, staat klaar als concept.', { exact: false }).waitFor();
  expect(await problems.count()).toBe(0);
  const warnings = await page.getByTestId('import-warnings').getByRole('listitem').allInnerTexts();
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/^Regel 2: .*record id/);
  expect(warnings[1]).toMatch(/^Regel 3: .*identifying/);
  // The list shows the draft.
  await page.getByTestId('instrument-bewegen-roken').waitFor();
  expect(await page.getByTestId('version-bewegen-roken-1-status').innerText()).toBe('Concept');
  expect(await page.getByTestId('version-bewegen-roken-1').innerText()).toMatch(/REDCap/);
  await expectAccessible(page, 'authoring list after an import');
  await screenshot(page, 'authoring-list');

  // The draft: what it is, and a preview with the participants' own form.
  await page.getByTestId('import-open').click();
  await page.getByRole('heading', { level: 1, name: 'Bewegen en roken, versie 1' }).waitFor();
  expect(await page.getByTestId('version-status').innerText()).toBe('Concept');
  expect(await page.getByTestId('version-facts').innerText()).toContain(
    'https://topfit.nl/fhir/Questionnaire/bewegen-roken',
  );
  const preview = page.getByTestId('authoring-preview');
  await expect.poll(() => progress(page)).toBe('Stap 1 van 3');
  expect(await preview.getByTestId('questionnaire-step-title').innerText()).toBe('Beweging');
  // "What do you do most?" only applies to someone who is active at all.
  const mostly = page.getByRole('group', { name: /Wat doet u dan het meest/ });
  expect(await mostly.count()).toBe(0);
  await page.getByLabel('Op hoeveel dagen per week beweegt u minstens een half uur?').fill('3');
  await mostly.waitFor();
  await mostly.getByRole('radio', { name: 'Fietsen', exact: true }).check();
  await expectAccessible(page, 'authoring preview');
  await screenshot(page, 'authoring-preview');
  await preview.getByTestId('questionnaire-next').click();

  // Page 2: the number of cigarettes appears only for smokers.
  await expect.poll(() => progress(page)).toBe('Stap 2 van 3');
  expect(await preview.getByTestId('questionnaire-step-title').innerText()).toBe('Leefstijl');
  const cigarettes = page.getByLabel('Hoeveel sigaretten rookt u per dag?');
  expect(await cigarettes.count()).toBe(0);
  await page
    .getByRole('group', { name: /Rookt u/ })
    .getByRole('radio', { name: 'Ja', exact: true })
    .check();
  await cigarettes.fill('5');
  await preview.getByTestId('questionnaire-next').click();
  await expect.poll(() => progress(page)).toBe('Stap 3 van 3');
  await page
    .getByText('Dit is een voorbeeld. De antwoorden worden niet bewaard en niet verstuurd.')
    .waitFor();
  expect(await preview.getByTestId('answer-beweeg_soort').innerText()).toContain('Fietsen');
  expect(await preview.getByTestId('answer-sigaretten').innerText()).toContain('5');

  // Into use, asked again every six months.
  await page.getByTestId('activate-months').fill('6');
  await page.getByTestId('activate').click();
  const dialog = page.getByRole('dialog', { name: 'Versie 1 in gebruik nemen?' });
  await dialog.getByText(/Zij vullen hem elke 6 maanden opnieuw in/).waitFor();
  // Checked once the dialog has faded in: halfway, its text is as pale as its opacity.
  await expect.poll(() => opacity(dialog)).toBe('1');
  await expectAccessible(page, 'activate confirmation');
  await page.getByTestId('activate-confirm').click();
  await page.getByText('Versie 1 is nu in gebruik. Deelnemers zien hem in hun lijst.').waitFor();
  expect(await page.getByTestId('version-status').innerText()).toBe('In gebruik');
  await page.getByText('Zij vullen hem elke 6 maanden opnieuw in.').waitFor();
  const all = await fetchIn(page, '/api/v1/questionnaires?all=true');
  expect(all.body.questionnaires).toContainEqual(
    expect.objectContaining({
      url: 'https://topfit.nl/fhir/Questionnaire/bewegen-roken',
      version: 1,
      status: 'active',
      source: 'redcap',
      repeatMonths: 6,
    }),
  );
  await page.getByRole('link', { name: 'Terug naar alle vragenlijsten' }).click();
  expect(await page.getByTestId('version-bewegen-roken-1').innerText()).toMatch(/Elke 6 maanden/);

  // A participant finds it among her questionnaires.
  const citizen = await platform.person();
  await signedInMember(platform, citizen.page, 'Anouk', {
    birthYear: 1981,
    birthMonth: 4,
    postcode4: '7411',
  });
  await citizen.page.goto('/questionnaires');
  const task = citizen.page.getByTestId('task-bewegen-roken');
  await task.getByRole('heading', { name: 'Bewegen en roken' }).waitFor();
  expect(await citizen.page.getByTestId('task-bewegen-roken-state').innerText()).toMatch(/nieuw/i);
  await citizen.page.getByTestId('task-bewegen-roken-open').click();
  await citizen.page.getByRole('heading', { level: 1, name: 'Bewegen en roken' }).waitFor();
  await expect.poll(() => progress(citizen.page)).toBe('Stap 1 van 3');
  await researcher.context.close();
  await citizen.context.close();
});

it('a FHIR Questionnaire with an unknown item type is refused with the JSON pointer of the problem', async () => {
  const { context, page } = await platform.person();
  await staffMember(platform, page, 'researcher', 'Rosa Onderzoeker');
  await page.goto('/author/questionnaires');
  await page.getByRole('heading', { level: 1, name: 'Vragenlijsten beheren' }).waitFor();
  const text = page.getByLabel('FHIR Questionnaire (JSON)', { exact: true });

  // Text that is not JSON is caught before it is sent.
  await text.fill('{ "resourceType": "Questionnaire", ');
  await page.getByTestId('fhir-import-submit').click();
  await page.getByText(/Dit is geen geldige JSON/).waitFor();

  // A file is read into the text box; the server names the item type at its pointer.
  await page.getByTestId('fhir-import-file').setInputFiles({
    name: 'slaap.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(SLEEP, null, 2)),
  });
  await expect.poll(() => text.inputValue()).toContain('"stars"');
  await page.getByTestId('fhir-import-submit').click();
  const problems = page.getByTestId('import-problems');
  await problems.getByText('Niet geïmporteerd').waitFor();
  expect(await problems.getByRole('listitem').first().innerText()).toMatch(
    /^#\/item\/1\/type Unsupported item type "stars"/,
  );
  await expectAccessible(page, 'FHIR import refused');

  // Fixed, it becomes version 1 of its url, as a draft.
  await text.fill(JSON.stringify({ ...SLEEP, item: [SLEEP.item[0]] }));
  await page.getByTestId('fhir-import-submit').click();
  await page.getByTestId('import-done').getByText('“Slaap”, versie 1, staat klaar als concept.').waitFor();
  expect(await problems.count()).toBe(0);
  expect(await page.getByTestId('version-slaap-1-status').innerText()).toBe('Concept');
  await context.close();
});

/** A FHIR Questionnaire with a repeating group (FHIR R4 `repeats`): one name and dose per medicine. */
const MEDICINES = {
  resourceType: 'Questionnaire',
  url: 'https://topfit.nl/fhir/Questionnaire/medicijnen',
  title: 'Mijn medicijnen',
  status: 'draft',
  item: [
    {
      linkId: 'medicines',
      text: 'Medicijn',
      type: 'group',
      repeats: true,
      item: [
        { linkId: 'name', text: 'Naam van het medicijn', type: 'string', required: true },
        { linkId: 'dose', text: 'Hoeveel milligram per dag?', type: 'decimal' },
      ],
    },
  ],
};

it('a researcher imports a questionnaire with a repeating group and puts it in use; a participant adds two medicines, reviews both and sends them, and sees both in her answers', async () => {
  const researcher = await platform.person();
  await staffMember(platform, researcher.page, 'researcher', 'Ruud Onderzoeker');
  // The researcher's card on the home page says what can be done today, and leads there.
  await researcher.page.goto('/');
  await researcher.page.getByTestId('home-researcher-authoring').click();
  await researcher.page.getByRole('heading', { level: 1, name: 'Vragenlijsten beheren' }).waitFor();
  await researcher.page
    .getByLabel('FHIR Questionnaire (JSON)', { exact: true })
    .fill(JSON.stringify(MEDICINES));
  await researcher.page.getByTestId('fhir-import-submit').click();
  await researcher.page.getByTestId('import-open').click();
  await researcher.page.getByRole('heading', { level: 1, name: 'Mijn medicijnen, versie 1' }).waitFor();
  await researcher.page.getByTestId('activate').click();
  await researcher.page.getByTestId('activate-confirm').click();
  await researcher.page.getByText('Versie 1 is nu in gebruik. Deelnemers zien hem in hun lijst.').waitFor();

  // An id that is no questionnaire: a plain "not found", with the way back.
  await researcher.page.goto('/author/questionnaires/geen-vragenlijst');
  await researcher.page.getByTestId('authoring-not-found').waitFor();
  await researcher.page.getByRole('heading', { level: 1, name: 'Deze vragenlijst bestaat niet' }).waitFor();
  await expectAccessible(researcher.page, 'authoring, unknown questionnaire');
  await researcher.page.getByRole('link', { name: 'Terug naar alle vragenlijsten' }).click();
  await researcher.page.getByRole('heading', { level: 1, name: 'Vragenlijsten beheren' }).waitFor();
  await researcher.context.close();

  const { context, page } = await platform.person();
  await signedInMember(platform, page, 'Ineke', { birthYear: 1981, birthMonth: 4, postcode4: '7411' });
  await page.goto('/questionnaires');
  await page.getByTestId('task-medicijnen-open').click();
  await page.getByRole('heading', { level: 1, name: 'Mijn medicijnen' }).waitFor();
  const first = page.getByTestId('instance-medicines[0]');
  const second = page.getByTestId('instance-medicines[1]');
  const third = page.getByTestId('instance-medicines[2]');
  await page.getByRole('group', { name: 'Medicijn: nummer 1' }).waitFor();
  await first.getByLabel('Naam van het medicijn').fill('Metformine');
  await first.getByLabel(/Hoeveel milligram per dag/).fill('500');
  // One medicine cannot be removed; with two or more, each can.
  expect(await page.getByTestId('remove-medicines[0]').count()).toBe(0);
  await page.getByRole('button', { name: /^Nog een toevoegen\s*: Medicijn$/ }).click();
  await page.getByRole('group', { name: 'Medicijn: nummer 2' }).waitFor();
  // The focus goes to the new medicine's first question.
  await expect
    .poll(() =>
      second
        .getByLabel('Naam van het medicijn')
        .evaluate((input) => input === input.ownerDocument.activeElement),
    )
    .toBe(true);
  await page.getByTestId('add-medicines').click();
  await third.getByLabel('Naam van het medicijn').fill('Per ongeluk');
  await page.getByRole('button', { name: /^Verwijderen\s*: Medicijn: nummer 3$/ }).click();
  await expect.poll(() => third.count()).toBe(0);
  // A dose without a name: the message is at the second medicine, not the first.
  await second.getByLabel(/Hoeveel milligram per dag/).fill('10');
  await page.getByTestId('questionnaire-next').click();
  await second.getByText('Geef hier een antwoord.').waitFor();
  expect(await first.getByText('Geef hier een antwoord.').count()).toBe(0);
  await expectAccessible(page, 'repeating group with two medicines and a message');
  await second.getByLabel('Naam van het medicijn').fill('Simvastatine');
  await page.getByTestId('questionnaire-next').click();

  // The review shows each medicine on its own.
  await expect.poll(() => progress(page)).toBe('Stap 2 van 2');
  expect(await page.getByTestId('answer-medicines[0]/name').innerText()).toContain('Metformine');
  expect(await page.getByTestId('answer-medicines[0]/dose').innerText()).toContain('500');
  expect(await page.getByTestId('answer-medicines[1]/name').innerText()).toContain('Simvastatine');
  expect(await page.getByTestId('answer-medicines[1]/dose').innerText()).toContain('10');
  await page.getByRole('heading', { name: 'Medicijn: nummer 2' }).waitFor();
  await expectAccessible(page, 'review of a repeating group');
  const sent = page.waitForResponse(
    (response) => response.request().method() === 'POST' && /\/responses$/.test(response.url()),
  );
  await page.getByTestId('questionnaire-submit').click();
  const answer = await sent;
  expect(answer.status()).toBe(201);
  // One response item per medicine, with the same linkId, as FHIR R4 has it.
  const body = await answer.json();
  expect(body.response.item).toEqual([
    {
      linkId: 'medicines',
      item: [
        { linkId: 'name', answer: [{ valueString: 'Metformine' }] },
        { linkId: 'dose', answer: [{ valueDecimal: 500 }] },
      ],
    },
    {
      linkId: 'medicines',
      item: [
        { linkId: 'name', answer: [{ valueString: 'Simvastatine' }] },
        { linkId: 'dose', answer: [{ valueDecimal: 10 }] },
      ],
    },
  ]);

  // Her answers, read only: both medicines.
  await page.getByTestId('questionnaire-thanks').waitFor();
  await page.getByRole('link', { name: 'Mijn antwoorden bekijken' }).click();
  await page.getByTestId('response-date').waitFor();
  expect(await page.getByTestId('answers-medicines[0]').innerText()).toMatch(/Metformine[\s\S]*500/);
  expect(await page.getByTestId('answers-medicines[1]').innerText()).toMatch(/Simvastatine[\s\S]*10/);
  await expectAccessible(page, 'a response with a repeating group, read only');
  await context.close();
});
