/**
 * Which format a file is in, from its first 64 KB only: the marks each format starts with.
 */

import { decodeText, firstRecords, peekBytes, SNIFF_BYTES } from './csv.ts';
import { dexcomColumns } from './dexcom.ts';
import { genericColumns } from './generic-csv.ts';
import { findLibreViewHeader, LIBREVIEW_SNIFF_RECORDS } from './libreview.ts';
import { ImportFileError, type ImportFormat, type ImportSource } from './types.ts';

/** Local file header of a ZIP archive (PKWARE APPNOTE 4.3.7): Apple Health's export.zip. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

const FORMATS_WE_READ =
  'LibreView CSV, Dexcom Clarity CSV, CSV with the columns id,time,gl, Nightscout entries JSON, ' +
  'Apple Health export (export.zip or export.xml), FHIR R4 Observations (JSON Bundle or NDJSON), Open mHealth JSON';

/**
 * The format of a file.
 * @throws ImportFileError 'empty_file' for an empty file, 'unknown_format' (naming the formats we read) for
 * anything else we do not recognise, 'unreadable' when it cannot be read.
 */
export async function detectFormat(source: ImportSource): Promise<ImportFormat> {
  const bytes = await peekBytes(source, SNIFF_BYTES);
  if (ZIP_MAGIC.every((byte, i) => bytes[i] === byte)) return 'apple-health';
  const text = decodeText(bytes);
  const start = text.trimStart();
  if (start === '') throw new ImportFileError('empty_file', 'The file is empty.');
  const format =
    start[0] === '<'
      ? xmlFormat(start)
      : start[0] === '[' || start[0] === '{'
        ? jsonFormat(start)
        : csvFormat(text, bytes.length < SNIFF_BYTES);
  if (!format) {
    throw new ImportFileError(
      'unknown_format',
      `This file is in none of the formats we read: ${FORMATS_WE_READ}.`,
    );
  }
  return format;
}

function xmlFormat(text: string): ImportFormat | null {
  // The export starts with a DOCTYPE or the root element named HealthData.
  return /<(!DOCTYPE\s+)?HealthData[\s>[]/.test(text) ? 'apple-health' : null;
}

/** Marks in the first values of a JSON or NDJSON file. */
function jsonFormat(text: string): ImportFormat | null {
  if (/"resourceType"\s*:\s*"(Bundle|Observation)"/.test(text)) return 'fhir';
  if (/"schema_id"\s*:/.test(text) || (/"header"\s*:/.test(text) && /"body"\s*:/.test(text))) {
    return 'open-mhealth';
  }
  // Nightscout /api/v1/entries.json: an array of entries with `type` ('sgv', 'mbg', 'cal') and `sgv`.
  if (/^\[\s*\{/.test(text) && (/"sgv"\s*:/.test(text) || /"type"\s*:\s*"(sgv|mbg|cal)"/.test(text))) {
    return 'nightscout';
  }
  return null;
}

function csvFormat(text: string, wholeFile: boolean): ImportFormat | null {
  const { records } = firstRecords(text, LIBREVIEW_SNIFF_RECORDS, wholeFile);
  const header = records[0] ?? [];
  if (dexcomColumns(header)) return 'dexcom';
  if (genericColumns(header)) return 'csv';
  if (!('problem' in findLibreViewHeader(records))) return 'libreview';
  return null;
}
