import type { Bundle, Consent, Patient, Resource } from '@medplum/fhirtypes';
import { strToU8, zipSync } from 'fflate';
import { type TableExport, toCsv } from '../../platform/export/index.ts';
import type { Profile } from './model.ts';

const SEX_TO_FHIR = { female: 'female', male: 'male', intersex: 'other' } as const;

/** The participant as a FHIR R4 Patient: only what the Citizen Lab keeps (no name, no full postcode). */
export function patientResource(profile: Profile, locale: 'nl' | 'en'): Patient {
  return {
    resourceType: 'Patient',
    id: profile.participantId,
    gender: SEX_TO_FHIR[profile.sexAtBirth],
    birthDate: `${profile.birthYear}-${String(profile.birthMonth).padStart(2, '0')}`,
    address: [{ postalCode: profile.postcode4, city: profile.municipality.name, country: 'NL' }],
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: locale }] }, preferred: true }],
  };
}

/**
 * The ZIP of "download all my data": per table a JSON and a CSV file, a FHIR R4 Bundle, and a readme in
 * Dutch and English that says what each file holds.
 */
export function buildDataExport(input: {
  tables: TableExport[];
  patient: Patient;
  consents: Bundle<Consent>;
  /** The person's other FHIR resources, from the modules that hold them (QuestionnaireResponse, …). */
  resources: Resource[];
  generatedAt: Date;
}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const lines = {
    nl: [
      'TOPFIT Citizen Lab — al uw gegevens',
      `Gemaakt op ${input.generatedAt.toISOString()}.`,
      '',
      'Elke tabel staat hier twee keer: als .json (voor computers) en als .csv (voor een spreadsheet).',
      '',
    ],
    en: [
      'TOPFIT Citizen Lab — all your data',
      `Made on ${input.generatedAt.toISOString()}.`,
      '',
      'Every table is here twice: as .json (for computers) and as .csv (for a spreadsheet).',
      '',
    ],
  };
  for (const table of input.tables) {
    files[`${table.table}.json`] = strToU8(`${JSON.stringify(table.rows, null, 2)}\n`);
    files[`${table.table}.csv`] = strToU8(toCsv(table.rows));
    lines.nl.push(`${table.table}.json / .csv (${table.rows.length} rijen): ${table.description.nl}`);
    lines.en.push(`${table.table}.json / .csv (${table.rows.length} rows): ${table.description.en}`);
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: input.generatedAt.toISOString(),
    entry: [
      { fullUrl: `urn:topfit:patient:${input.patient.id}`, resource: input.patient },
      ...(input.consents.entry ?? []),
      ...input.resources.map((resource) => ({
        fullUrl: `urn:topfit:${resource.resourceType}:${resource.id}`,
        resource,
      })),
    ],
  };
  files['fhir-bundle.json'] = strToU8(`${JSON.stringify(bundle, null, 2)}\n`);
  lines.nl.push(
    'fhir-bundle.json: uw gegevens in de internationale zorgstandaard FHIR R4 (Patient, Consent, QuestionnaireResponse, RiskAssessment en Observation voor uw glucosesamenvattingen), om aan een zorgverlener of een andere app te geven.',
    '',
    'Niet in dit bestand: uw wachtwoord en de geheimen van inloggen met twee stappen. Die bewaren wij alleen versleuteld of als controlegetal, en niemand kan ze lezen.',
  );
  lines.en.push(
    'fhir-bundle.json: your data in the international health standard FHIR R4 (Patient, Consent, QuestionnaireResponse, RiskAssessment, and Observation for your glucose summaries), to give to a care professional or another app.',
    '',
    'Not in this file: your password and the secrets of two-step sign-in. We keep those only encrypted or as a check value, and nobody can read them.',
  );
  files['LEESMIJ.txt'] = strToU8(`${lines.nl.join('\n')}\n`);
  files['README.txt'] = strToU8(`${lines.en.join('\n')}\n`);
  return zipSync(files, { level: 6, mtime: input.generatedAt });
}
