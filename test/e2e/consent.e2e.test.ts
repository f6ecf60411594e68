import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  documentLanguage,
  expectAccessible,
  fetchIn,
  type Platform,
  screenshot,
  startPlatform,
} from './harness.ts';
import { member, setPasswordAndSignIn } from './people.ts';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

interface ConsentState {
  purposeKey: string;
  decision: 'granted' | 'refused' | null;
  documentVersion: number | null;
  currentVersion: number;
  effective: boolean;
  reconsentNeeded: boolean;
}

/** What the server holds now, per purpose: asked by the page itself, with its session. */
async function serverState(page: Page): Promise<Record<string, ConsentState>> {
  const answer = await fetchIn(page, '/api/v1/me/consents');
  expect(answer.status).toBe(200);
  const purposes: ConsentState[] = answer.body.purposes;
  return Object.fromEntries(purposes.map((purpose) => [purpose.purposeKey, purpose]));
}

const SAVED = { granted: 'U zei ja tegen', refused: 'U zei nee tegen' } as const;
const BUTTON = { granted: 'Ja, dat mag', refused: 'Nee, liever niet' } as const;

/** Clicks yes or no on a purpose's card and waits for the announced confirmation. */
async function choose(page: Page, purposeKey: string, decision: 'granted' | 'refused'): Promise<void> {
  const card = page.getByTestId(`consent-card-${purposeKey}`);
  await card.getByRole('button', { name: BUTTON[decision] }).click();
  await page.getByTestId(`consent-status-${purposeKey}`).getByText(SAVED[decision]).waitFor();
}

/** Clicks a download link and parses the file the browser saved. */
async function downloadJson(page: Page, click: () => Promise<void>) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await (download as Download).path();
  // biome-ignore lint/suspicious/noExplicitAny: a JSON file whose shape the test asserts itself.
  const body: any = JSON.parse(await readFile(file, 'utf8'));
  return { name: download.suggestedFilename(), body };
}

const focusedTestId = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { activeElement: { getAttribute(name: string): string | null } | null };
      }
    ).document;
    return doc.activeElement?.getAttribute('data-testid') ?? null;
  });

/** An administrator's actor for the service, publishing while the page is open. */
const administrator = () => ({
  accountId: randomUUID(),
  roles: ['administrator' as const],
  mfaVerified: true,
});

it('a visitor reads the purposes before joining; as a citizen she grants, refuses and withdraws, with receipts, a history and a FHIR export, in Dutch and English', async () => {
  const { context, page } = await platform.person();

  // Before joining: from the home page to every purpose and its full text.
  await page.goto('/');
  await page.getByTestId('landing-consent-purposes').click();
  await page.getByRole('heading', { level: 1, name: 'Waar kunt u toestemming voor geven?' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Gezondheidsonderzoek' }).waitFor();
  expect(await page.getByRole('heading', { level: 2 }).count()).toBe(7);
  await page.getByText(/Zij zien nooit uw naam, e-mailadres of postcode/).waitFor();
  await expectAccessible(page, 'consent purposes (public)');
  await screenshot(page, 'consent-purposes-nl');

  // She joins (support made the account) and opens her consents from the card on the home page.
  const { email, setPasswordUrl } = await member(platform, 'Fatima', { postcode4: '7411' });
  await setPasswordAndSignIn(page, setPasswordUrl, email);
  await page.getByTestId('sign-out').waitFor();
  await page.getByTestId('home-consent').click();
  await page.getByRole('heading', { level: 1, name: 'Mijn toestemmingen' }).waitFor();
  await page.getByTestId('consent-card-research').waitFor();
  expect(await page.getByTestId('consent-decision-research').innerText()).toBe(
    'Nog niet gekozen — telt als nee',
  );
  await page.getByText('U heeft nog niets gekozen.').waitFor();
  // Each purpose asks its own question, and the text opens on request.
  await page.getByRole('group', { name: 'Geeft u toestemming voor “Gezondheidsonderzoek”?' }).waitFor();
  const readResearch = page.getByTestId('consent-read-research');
  expect(await readResearch.innerText()).toBe('Lees de tekst (versie 1)');
  expect(await readResearch.getAttribute('aria-expanded')).toBe('false');
  await readResearch.click();
  expect(await readResearch.getAttribute('aria-expanded')).toBe('true');
  await page
    .getByTestId('consent-card-research')
    .getByText(/Een commissie bekijkt elk verzoek om gegevens/)
    .waitFor();
  await expectAccessible(page, 'consent dashboard, nothing chosen');
  const initial = await serverState(page);
  expect(Object.values(initial).every((p) => p.decision === null && !p.effective)).toBe(true);

  // Yes to her own insights.
  await choose(page, 'personal_insights', 'granted');
  expect(await serverState(page)).toMatchObject({
    personal_insights: { decision: 'granted', documentVersion: 1, effective: true },
    research: { decision: null, effective: false },
  });
  expect(await page.getByTestId('consent-decision-personal_insights').innerText()).toBe('Ja');

  // Yes to research.
  await choose(page, 'research', 'granted');
  expect((await serverState(page)).research).toMatchObject({ decision: 'granted', effective: true });

  // No to being contacted about studies.
  await choose(page, 'study_contact', 'refused');
  expect((await serverState(page)).study_contact).toMatchObject({ decision: 'refused', effective: false });
  expect(await page.getByTestId('consent-decision-study_contact').innerText()).toBe('Nee');

  // She changes her mind about research: withdrawing is one click too, and the focus stays on the button.
  await choose(page, 'research', 'refused');
  expect(await focusedTestId(page)).toBe('consent-research-refused');
  expect(await serverState(page)).toMatchObject({
    personal_insights: { decision: 'granted', effective: true },
    research: { decision: 'refused', effective: false },
    study_contact: { decision: 'refused', effective: false },
  });
  const researchYes = page.getByTestId('consent-research-granted');
  const researchNo = page.getByTestId('consent-research-refused');
  expect(await researchNo.getAttribute('aria-pressed')).toBe('true');
  expect(await researchYes.getAttribute('aria-pressed')).toBe('false');

  // The receipt of that change names the decision.
  const receipt = await downloadJson(page, () => page.getByTestId('consent-receipt-research').click());
  expect(receipt.name).toMatch(/^consent-receipt-\d+\.json$/);
  expect(receipt.body).toMatchObject({
    purposeKey: 'research',
    decision: 'refused',
    documentVersion: 1,
    channel: 'web',
    documentTitle: { nl: 'Gezondheidsonderzoek', en: 'Health research' },
  });

  // The history lists the four changes, newest first, each with its receipt.
  const rows = page.getByTestId('consent-history').getByTestId('consent-history-row');
  await expect.poll(() => rows.count()).toBe(4);
  const rowTexts = await rows.allInnerTexts();
  expect(rowTexts[0]).toMatch(/Gezondheidsonderzoek[\s\S]*Nee[\s\S]*Op de website/);
  expect(rowTexts[1]).toMatch(/Benaderd worden voor onderzoeken[\s\S]*Nee/);
  expect(rowTexts[2]).toMatch(/Gezondheidsonderzoek[\s\S]*Ja/);
  expect(rowTexts[3]).toMatch(/Mijn eigen uitslagen[\s\S]*Ja/);
  const first = await downloadJson(page, () =>
    rows
      .nth(3)
      .getByRole('link', { name: /Bewijs downloaden/ })
      .click(),
  );
  expect(first.body).toMatchObject({ purposeKey: 'personal_insights', decision: 'granted' });
  const history = (await fetchIn(page, '/api/v1/me/consents/history')).body;
  expect(history.events.map((e: { decision: string }) => e.decision)).toEqual([
    'refused',
    'refused',
    'granted',
    'granted',
  ]);

  // All consents as FHIR, for her own records.
  const fhir = await downloadJson(page, () => page.getByTestId('consent-fhir').click());
  expect(fhir.body).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
  const statuses = Object.fromEntries(
    fhir.body.entry.map((e: { resource: { provision: { purpose: { code: string }[] }; status: string } }) => [
      e.resource.provision.purpose[0]?.code,
      e.resource.status,
    ]),
  );
  expect(statuses).toEqual({ personal_insights: 'active', research: 'rejected', study_contact: 'rejected' });

  await expectAccessible(page, 'consent dashboard');
  await screenshot(page, 'consent-dashboard-nl');

  // In English: the page and the purposes' titles and texts follow the header switch.
  await page.getByTestId('language-switch').getByText('EN').click();
  await expect.poll(() => documentLanguage(page)).toBe('en');
  await page.getByRole('heading', { level: 1, name: 'My consents' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Health research' }).waitFor();
  expect(await page.getByTestId('consent-decision-research').innerText()).toBe('No');
  expect(await page.getByTestId('consent-decision-gp_summary').innerText()).toBe(
    'Not chosen yet — counts as no',
  );
  await page.getByRole('heading', { level: 2, name: 'Your earlier choices' }).waitFor();
  await page.getByRole('link', { name: 'Download as FHIR (for your own records)' }).waitFor();
  await expectAccessible(page, 'consent dashboard in English');
  await screenshot(page, 'consent-dashboard-en');
  expect((await fetchIn(page, '/api/v1/me')).body.account.locale).toBe('en');
  await context.close();
});

it('when a text changes, the dashboard says whether the earlier yes still counts and asks again; a version that changed meanwhile is read again first', async () => {
  const { context, page } = await platform.person();
  const { email, setPasswordUrl } = await member(platform, 'Henk', { postcode4: '7411' });
  await setPasswordAndSignIn(page, setPasswordUrl, email);
  await page.getByTestId('sign-out').waitFor();
  await page.goto('/consent');
  await choose(page, 'coach_sharing', 'granted');
  await page.getByTestId('consent-card-product_testing').waitFor();

  // While the page is open, a new version of the product-testing text lets earlier consent lapse.
  const published = await platform.app.consent.publish(administrator(), 'product_testing', {
    title: { nl: 'Producten van bedrijven testen', en: 'Testing products of companies' },
    body: {
      nl: 'Bedrijven in het programma zoeken mensen om hun producten te testen. Het bedrijf krijgt nu ook uw leeftijd.',
      en: 'Companies in the programme look for people to test their products. The company now also gets your age.',
    },
    material: true,
    earlierConsent: 'lapses',
  });
  expect(published.version).toBe(2);

  // Her "yes" was for the text she saw (version 1): the platform refuses it, the page shows the new text.
  await page.getByTestId('consent-card-product_testing').getByRole('button', { name: 'Ja, dat mag' }).click();
  await page
    .getByTestId('consent-card-product_testing')
    .getByRole('alert')
    .getByText(/versie 2/)
    .waitFor();
  await page
    .getByTestId('consent-card-product_testing')
    .getByText(/Het bedrijf krijgt nu ook uw leeftijd/)
    .waitFor();
  expect(await page.getByTestId('consent-read-product_testing').innerText()).toBe('Lees de tekst (versie 2)');
  expect((await serverState(page)).product_testing).toMatchObject({ decision: null, effective: false });
  await choose(page, 'product_testing', 'granted');
  expect((await serverState(page)).product_testing).toMatchObject({
    decision: 'granted',
    documentVersion: 2,
    effective: true,
  });

  // A material change to coach sharing that keeps earlier consent: it still counts, but she is asked again.
  await platform.app.consent.publish(administrator(), 'coach_sharing', {
    title: { nl: 'Delen met mijn leefstijlcoach', en: 'Sharing with my lifestyle coach' },
    body: {
      nl: 'Uw leefstijlcoach mag uw gegevens en uitslagen zien. Ook een vervangende coach mag dat, als uw coach afwezig is.',
      en: 'Your lifestyle coach may see your data and results. So may a substitute coach while your coach is away.',
    },
    material: true,
    earlierConsent: 'keeps',
  });
  // And one to research, after her yes, that lets it lapse.
  await choose(page, 'research', 'granted');
  await platform.app.consent.publish(administrator(), 'research', {
    title: { nl: 'Gezondheidsonderzoek', en: 'Health research' },
    body: {
      nl: 'Onderzoekers van de partners en van twee nieuwe universiteiten mogen uw gegevens gebruiken voor onderzoek.',
      en: 'Researchers of the partners and of two new universities may use your data for research.',
    },
    material: true,
    earlierConsent: 'lapses',
  });
  await page.reload();
  const coach = page.getByTestId('consent-card-coach_sharing');
  await coach.getByText('De tekst is veranderd').waitFor();
  await coach.getByText(/Uw ja telt nog, tot u opnieuw kiest/).waitFor();
  expect(await page.getByTestId('consent-decision-coach_sharing').innerText()).toBe('Ja');
  const research = page.getByTestId('consent-card-research');
  await research.getByText(/Uw ja telt daarom niet meer/).waitFor();
  expect(await page.getByTestId('consent-decision-research').innerText()).toBe('Ja, maar dat telt nu niet');
  expect(await serverState(page)).toMatchObject({
    coach_sharing: { effective: true, reconsentNeeded: true },
    research: { effective: false, reconsentNeeded: true },
  });
  await expectAccessible(page, 'consent dashboard, texts changed');
  await screenshot(page, 'consent-text-changed-nl');

  // Choosing again for the new version settles it.
  await choose(page, 'coach_sharing', 'refused');
  await choose(page, 'research', 'granted');
  expect(await serverState(page)).toMatchObject({
    coach_sharing: { decision: 'refused', effective: false, reconsentNeeded: false },
    research: { decision: 'granted', documentVersion: 2, effective: true, reconsentNeeded: false },
  });
  await expect.poll(() => coach.getByText('De tekst is veranderd').count()).toBe(0);

  // On a phone the cards stack and the two buttons sit one above the other, equally large.
  await page.setViewportSize({ width: 390, height: 844 });
  const stacked = async () => {
    const yes = await page.getByTestId('consent-research-granted').boundingBox();
    const no = await page.getByTestId('consent-research-refused').boundingBox();
    return yes !== null && no !== null && no.y > yes.y && Math.abs(no.width - yes.width) < 1;
  };
  await expect.poll(stacked).toBe(true);
  // Nothing sticks out sideways: only the history table scrolls, inside its own area.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const doc = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document;
        return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
      }),
    )
    .toBe(0);
  await expectAccessible(page, 'consent dashboard on a phone');
  await screenshot(page, 'consent-dashboard-mobile-nl');
  await context.close();
});
