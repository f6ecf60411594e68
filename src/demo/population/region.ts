/**
 * The region the synthetic citizens live in: the 76 municipalities of Overijssel and Gelderland with their
 * men and women (CBS 85984NED, KWB 2024, "Bron: CBS", CC BY 4.0 — ../data/municipalities.csv) and their
 * 4-digit postcodes.
 */

import { readFileSync } from 'node:fs';
import type { Region, RegionMunicipality } from './model.ts';

const MUNICIPALITIES_CSV = new URL('../data/municipalities.csv', import.meta.url);
// The participants module's reference data: the same PC4 → municipality table that its migration
// (0001_region.sql) loads into postcode_areas, so every generated postcode is one the database accepts.
const POSTCODES_CSV = new URL('../../modules/participants/data/pc4-municipality.csv', import.meta.url);

const EXPECTED_MUNICIPALITIES = 76;

/** The rows of a simple CSV (no quoted fields), checked against the expected header. */
function readCsv(url: URL, header: readonly string[]): string[][] {
  const lines = readFileSync(url, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const first = lines.shift();
  if (first !== header.join(','))
    throw new Error(`${url.pathname}: expected header '${header.join(',')}', got '${first}'`);
  return lines.map((line, i) => {
    const fields = line.split(',');
    if (fields.length !== header.length) {
      throw new Error(
        `${url.pathname}: line ${i + 2} has ${fields.length} fields, expected ${header.length}`,
      );
    }
    return fields;
  });
}

/** Parses the two tables into a region; exported for tests. @throws Error on any inconsistency. */
export function parseRegion(municipalityRows: string[][], postcodeRows: string[][]): Region {
  const municipalities: RegionMunicipality[] = municipalityRows.map(([code, name, men, women]) => {
    const m = Number(men);
    const w = Number(women);
    if (
      !/^GM\d{4}$/.test(code ?? '') ||
      !name ||
      !Number.isInteger(m) ||
      !Number.isInteger(w) ||
      m <= 0 ||
      w <= 0
    ) {
      throw new Error(`municipalities.csv: invalid row '${[code, name, men, women].join(',')}'`);
    }
    return { code: code as string, name, men: m, women: w, postcodes: [] };
  });
  const byCode = new Map(municipalities.map((m) => [m.code, m]));
  if (byCode.size !== municipalities.length) throw new Error('municipalities.csv: duplicate cbs_code');
  for (const [pc4, code] of postcodeRows) {
    const municipality = byCode.get(code ?? '');
    if (!municipality) throw new Error(`pc4-municipality.csv: unknown municipality '${code}' for ${pc4}`);
    if (!/^[1-9]\d{3}$/.test(pc4 ?? '')) throw new Error(`pc4-municipality.csv: invalid postcode '${pc4}'`);
    municipality.postcodes.push(pc4 as string);
  }
  for (const municipality of municipalities) {
    if (municipality.postcodes.length === 0)
      throw new Error(`no postcode for ${municipality.code} ${municipality.name}`);
    municipality.postcodes.sort();
  }
  return { municipalities };
}

let cached: Region | undefined;

/** The region, read from the two CSV files on first use and kept. */
export function loadRegion(): Region {
  if (!cached) {
    const region = parseRegion(
      readCsv(MUNICIPALITIES_CSV, ['cbs_code', 'name', 'population_men', 'population_women']),
      readCsv(POSTCODES_CSV, ['pc4', 'cbs_code']),
    );
    if (region.municipalities.length !== EXPECTED_MUNICIPALITIES) {
      throw new Error(
        `municipalities.csv: expected ${EXPECTED_MUNICIPALITIES} municipalities, got ${region.municipalities.length}`,
      );
    }
    cached = region;
  }
  return cached;
}
