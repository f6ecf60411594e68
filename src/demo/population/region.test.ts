import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRegion } from './index.ts';
import { parseRegion } from './region.ts';

describe('the region (CBS 85984NED KWB 2024 population by sex; participants module PC4 table)', () => {
  const region = loadRegion();

  it('has the 76 municipalities of Overijssel and Gelderland with the CBS totals by sex', () => {
    expect(region.municipalities).toHaveLength(76);
    const men = region.municipalities.reduce((sum, m) => sum + m.men, 0);
    const women = region.municipalities.reduce((sum, m) => sum + m.women, 0);
    // Sums of shared/data/regions/east-nl-municipalities.csv (README there: Overijssel 598,158 + 590,875).
    expect(men).toBe(1_664_951);
    expect(women).toBe(1_673_153);
    const enschede = region.municipalities.find((m) => m.code === 'GM0153');
    expect(enschede).toMatchObject({ name: 'Enschede', men: 83_012, women: 78_726 });
  });

  it('gives every municipality exactly the postcodes the participants module maps to it', () => {
    const rows = readFileSync(
      new URL('../../modules/participants/data/pc4-municipality.csv', import.meta.url),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const expected = new Map<string, string[]>();
    for (const [pc4, code] of rows)
      expected.set(code as string, [...(expected.get(code as string) ?? []), pc4 as string]);
    for (const m of region.municipalities) {
      expect(m.postcodes.length, m.name).toBeGreaterThan(0);
      expect(m.postcodes, m.name).toEqual([...(expected.get(m.code) ?? [])].sort());
    }
    expect(region.municipalities.reduce((sum, m) => sum + m.postcodes.length, 0)).toBe(rows.length);
  });

  it('reads the files once and hands back the same region', () => {
    expect(loadRegion()).toBe(region);
  });

  it('refuses a postcode of an unknown municipality, a bad row and a municipality without postcodes', () => {
    const municipality = [['GM0153', 'Enschede', '83012', '78726']];
    expect(() => parseRegion(municipality, [['7511', 'GM9999']])).toThrow(/unknown municipality/);
    expect(() => parseRegion([['GM0153', 'Enschede', 'many', '1']], [])).toThrow(/invalid row/);
    expect(() => parseRegion(municipality, [])).toThrow(/no postcode/);
    expect(() => parseRegion(municipality, [['0751', 'GM0153']])).toThrow(/invalid postcode/);
  });
});
