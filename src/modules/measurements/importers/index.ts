import { appleHealthImporter } from './apple-health.ts';
import { dexcomImporter } from './dexcom.ts';
import { fhirImporter } from './fhir.ts';
import { genericCsvImporter } from './generic-csv.ts';
import { libreViewImporter } from './libreview.ts';
import { nightscoutImporter } from './nightscout.ts';
import { openMhealthImporter } from './open-mhealth.ts';
import type { Importer, ImportFormat } from './types.ts';

export { detectFormat } from './detect.ts';

/** Every importer by its format. */
export const IMPORTERS: Record<ImportFormat, Importer> = {
  libreview: libreViewImporter,
  dexcom: dexcomImporter,
  csv: genericCsvImporter,
  nightscout: nightscoutImporter,
  'apple-health': appleHealthImporter,
  fhir: fhirImporter,
  'open-mhealth': openMhealthImporter,
};
