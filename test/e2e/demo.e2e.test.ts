import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_DEMO, DEMO_STAFF, type DemoResult, loadDemo } from '../../src/demo/index.ts';
import { expectAccessible, fetchIn, type Platform, screenshot, startPlatform } from './harness.ts';

// A newcomer's first minutes: the demo region of the first `npm start` (the default demo, as printed), signed
// in with one click as citizens and as each staff role (the coach reads her caseload), on every page built so far.

let platform: Platform;
let demo: DemoResult;
beforeAll(async () => {
  platform = await startPlatform();
  demo = await loadDemo(platform.app.database, DEFAULT_DEMO);
}, 180_000);
afterAll(() => platform?.stop());

it('the sign-in page offers the demo accounts; a member with prediabetes reads her glucose report and her risk', async () => {
  // The names the README and the user guide give for the featured members.
  expect(demo.featured.map((f) => f.displayName)).toEqual([
    'Petra Dekker',
    'Johanna Meijer',
    'Herman de Jong',
  ]);

  const { context, page } = await platform.person();
  await page.goto('/sign-in');
  const panel = page.getByTestId('demo-sign-ins');
  await panel.getByRole('heading', { name: 'Probeer de demo' }).waitFor();
  for (const member of DEMO_STAFF) {
    await panel.getByTestId(`demo-${member.email.split('@')[0]}`).waitFor();
  }
  await expectAccessible(page, 'sign-in with demo accounts');
  await screenshot(page, 'demo-sign-in');

  await panel.getByRole('button', { name: /^Inloggen als Johanna Meijer/ }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Mijn glucose' }).click();
  await page.getByTestId('agp-chart').getByRole('img').waitFor();
  // A fortnight of sensor data: enough for the consensus report, and the excursions of prediabetes show.
  expect(await page.getByTestId('glucose-insufficient').count()).toBe(0);
  const report = (await fetchIn(page, '/api/v1/me/glucose/report?days=14')).body;
  expect(report.metrics.percentIn70to140).toBeLessThan(95);
  await expectAccessible(page, 'demo glucose report');
  await screenshot(page, 'demo-glucose-prediabetes');

  await page.getByRole('navigation').getByRole('link', { name: 'Mijn risico' }).click();
  await page.getByTestId('risk-score').waitFor();
  const score = Number(await page.getByTestId('risk-score').innerText());
  const { scores } = (await fetchIn(page, '/api/v1/me/scores')).body;
  expect(score).toBe(scores[0].score);
  await screenshot(page, 'demo-risk');
  await context.close();
});

it('each staff role signs in with one click, past the second factor, and finds its pages filled', async () => {
  for (const member of DEMO_STAFF) {
    const { context, page } = await platform.person();
    await page.goto('/sign-in');
    await page.getByTestId(`demo-${member.email.split('@')[0]}`).click();
    await page.getByRole('button', { name: 'Uitloggen' }).waitFor();
    const me = (await fetchIn(page, '/api/v1/me')).body;
    expect(me.session).toMatchObject({ mfaVerified: true, mfaSetupRequired: false });
    expect(me.roles.map((r: { role: string }) => r.role)).toContain(member.role);
    await expectAccessible(page, `home of the demo ${member.role}`);

    if (member.role === 'programme_manager') {
      await page.getByRole('navigation').getByRole('link', { name: 'Panel in cijfers' }).click();
      await page.getByRole('heading', { level: 2, name: 'Deelnemers per gemeente' }).waitFor();
      const byMunicipality = page.getByRole('table', { name: /per gemeente/ });
      await byMunicipality.getByRole('row', { name: /Enschede/ }).waitFor();
      const overview = (await fetchIn(page, '/api/v1/panel/overview')).body;
      expect(overview.total).toBe(DEFAULT_DEMO.citizens);
      await screenshot(page, 'demo-panel');
    }
    if (member.role === 'coach') {
      // The coach's caseload: the two featured members who share with their coach, among the generated ones.
      await page.getByRole('navigation').getByRole('link', { name: 'Mijn deelnemers' }).click();
      const caseload = page.getByRole('table', { name: 'Deelnemers die u coacht' });
      for (const name of ['Johanna Meijer', 'Herman de Jong']) {
        await caseload
          .getByRole('row', { name: new RegExp(name) })
          .getByText('Deelt', { exact: true })
          .waitFor();
      }
      await expectAccessible(page, 'demo coach caseload');
      await screenshot(page, 'coach-caseload');

      await caseload.getByRole('link', { name: 'Herman de Jong' }).click();
      await page.getByRole('heading', { level: 1, name: 'Glucose van Herman de Jong' }).waitFor();
      await page.getByTestId('agp-chart').getByRole('img').waitFor();
      // The coach reads what the member reads, without the member's own controls (the PDF for the GP).
      expect(await page.getByTestId('glucose-pdf').count()).toBe(0);
      await expectAccessible(page, 'demo coach reads a member’s glucose');
      await screenshot(page, 'coach-member-glucose');
    }
    if (member.role === 'administrator') {
      await page.getByRole('navigation').getByRole('link', { name: 'Organisaties' }).click();
      await page.getByText('Universiteit Twente').first().waitFor();
      await page.getByText('GGD Twente').first().waitFor();
      await expectAccessible(page, 'demo organisations');
      await screenshot(page, 'demo-organisations');
    }
    await context.close();
  }
});
