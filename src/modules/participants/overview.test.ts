import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { suppress } from './model.ts';

describe('small-cell suppression', () => {
  it('withholds counts below the minimum and keeps zeros, which disclose no one', () => {
    expect(
      suppress(
        [
          { key: 'a', count: 25 },
          { key: 'b', count: 3 },
          { key: 'c', count: 0 },
          { key: 'd', count: 4 },
        ],
        10,
      ),
    ).toEqual([
      { key: 'a', count: 25 },
      { key: 'b', count: null },
      { key: 'c', count: 0 },
      { key: 'd', count: null },
    ]);
  });

  it('withholds a second cell when one alone could be worked out from the total', () => {
    expect(
      suppress(
        [
          { key: 'a', count: 40 },
          { key: 'b', count: 12 },
          { key: 'c', count: 2 },
        ],
        10,
      ),
    ).toEqual([
      { key: 'a', count: 40 },
      { key: 'b', count: null },
      { key: 'c', count: null },
    ]);
  });
});

describe('the panel overview', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A minimum of 3 keeps the test small; the rule is the same at the default of 10.
    app = await createTestApp({ env: { SMALL_CELL_MINIMUM: '3' } });
    for (let i = 0; i < 4; i++) await joinedCitizen(app, { postcode4: '7511', sexAtBirth: 'female' });
    for (let i = 0; i < 3; i++) await joinedCitizen(app, { postcode4: '7411', sexAtBirth: 'female' });
    await joinedCitizen(app, { postcode4: '6811', sexAtBirth: 'male' });
  });
  afterAll(() => app?.stop());

  it('shows members by municipality, sex, age band and month, withholding small counts', async () => {
    const manager = await createStaff(app, ['programme_manager']);
    const answer = await manager.client.get<{
      minimumCount: number;
      total: number | null;
      byMunicipality: { name: string; count: number | null }[];
      bySex: { key: string; count: number | null }[];
      byAgeBand: { key: string; count: number | null }[];
      growth: { members: number | null }[];
    }>('/api/v1/panel/overview');
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries(answer.body.byMunicipality.map((m) => [m.name, m.count]));
    expect(answer.body.total).toBe(8);
    expect(answer.body.byMunicipality).toHaveLength(76);
    expect(byName).toMatchObject({ Almelo: 0 });
    // Arnhem's single member is withheld, and so is Deventer's 3 so Arnhem cannot be worked out.
    expect([byName.Enschede, byName.Deventer, byName.Arnhem]).toEqual([4, null, null]);
    // One man would be withheld, but 8 − 7 gives him away: so the 7 women are withheld as well.
    expect(answer.body.bySex).toEqual([
      { key: 'female', count: null },
      { key: 'male', count: null },
      { key: 'intersex', count: 0 },
    ]);
    expect(answer.body.byAgeBand.find((b) => b.key === '45-59')?.count).toBe(8);
    expect(answer.body.growth.at(-1)?.members).toBe(8);
  });

  it('is for programme managers, partner analysts and administrators only', async () => {
    for (const role of ['researcher', 'coach', 'data_steward'] as const) {
      const staff = await createStaff(app, [role]);
      expect((await staff.client.get('/api/v1/panel/overview')).status, role).toBe(403);
    }
    const citizen = await joinedCitizen(app);
    expect((await citizen.client.get('/api/v1/panel/overview')).status).toBe(403);
    const analyst = await createStaff(app, ['partner_analyst']);
    expect((await analyst.client.get('/api/v1/panel/overview')).status).toBe(200);
  });
});
