import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { ImportFileError, type ImportSource } from './types.ts';

const textSource = (content: string | Uint8Array): ImportSource => ({
  name: 'upload',
  size: content.length,
  open: () => Readable.from([typeof content === 'string' ? Buffer.from(content) : Buffer.from(content)]),
});
const fixture = (name: string): ImportSource => ({
  name,
  size: null,
  open: () => createReadStream(new URL(`./fixtures/${name}`, import.meta.url)),
});

async function detectError(source: ImportSource): Promise<ImportFileError> {
  const error = await detectFormat(source).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

describe('detectFormat', () => {
  it('knows LibreView exports in English, German and month-first mmol/L', async () => {
    expect(await detectFormat(fixture('libreview-libre2-mgdl-dmy.csv'))).toBe('libreview');
    expect(await detectFormat(fixture('libreview-libre3-mmol-mdy.csv'))).toBe('libreview');
    expect(await detectFormat(fixture('libreview-de-mgdl.csv'))).toBe('libreview');
  });

  it('knows Dexcom Clarity exports, quoted with a BOM or plain', async () => {
    expect(await detectFormat(fixture('dexcom-clarity-g7-mmol.csv'))).toBe('dexcom');
    const plain =
      'Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL)\n' +
      '1,,FirstName,,Joe,,,\n';
    expect(await detectFormat(textSource(plain))).toBe('dexcom');
  });

  it('knows the id,time,gl CSV, quoted or not', async () => {
    expect(await detectFormat(textSource('"id","time","gl"\n"Subject 1",2015-06-06 16:50:27,153\n'))).toBe(
      'csv',
    );
    expect(await detectFormat(textSource('id,time,gl'))).toBe('csv');
  });

  it('knows Nightscout entries by sgv or type', async () => {
    const entries = JSON.stringify([
      {
        _id: 'a1',
        device: 'xDrip-DexcomG6',
        date: 1770710100000,
        dateString: '2026-02-10T07:55:00.000Z',
        sgv: 104,
        type: 'sgv',
        direction: 'Flat',
      },
    ]);
    expect(await detectFormat(textSource(entries))).toBe('nightscout');
    expect(await detectFormat(textSource('[ {"type": "mbg", "mbg": 110, "date": 1770710100000} ]'))).toBe(
      'nightscout',
    );
  });

  it('knows FHIR: a Bundle, an Observation, NDJSON of Observations', async () => {
    expect(await detectFormat(textSource('{"resourceType":"Bundle","type":"collection","entry":[]}'))).toBe(
      'fhir',
    );
    const observation =
      '{"resourceType": "Observation", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "105272-9"}]}}';
    expect(await detectFormat(textSource(observation))).toBe('fhir');
    expect(await detectFormat(textSource(`${observation}\n${observation}\n`))).toBe('fhir');
  });

  it('knows Open mHealth data points, alone or in an array', async () => {
    const point = {
      header: { id: 'x', schema_id: { namespace: 'omh', name: 'blood-glucose', version: '4.0' } },
      body: { blood_glucose: { value: 110, unit: 'mg/dL' } },
    };
    expect(await detectFormat(textSource(JSON.stringify(point)))).toBe('open-mhealth');
    expect(await detectFormat(textSource(JSON.stringify([point])))).toBe('open-mhealth');
  });

  it('knows Apple Health: the ZIP archive and export.xml', async () => {
    expect(await detectFormat(textSource(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])))).toBe(
      'apple-health',
    );
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (ExportDate,Me,(Record)*)>\n]>\n' +
      '<HealthData locale="nl_NL">\n <ExportDate value="2026-02-10 08:00:00 +0100"/>\n';
    expect(await detectFormat(textSource(xml))).toBe('apple-health');
    expect(await detectFormat(textSource('<HealthData locale="en_US">\n'))).toBe('apple-health');
  });

  it('refuses anything else, naming the formats it reads', async () => {
    for (const content of [
      'a,b,c\n1,2,3\n',
      '<html><body>hi</body></html>',
      '{"hello": "world"}',
      '\u0000\u0001binary',
    ]) {
      const error = await detectError(textSource(content));
      expect(error.code).toBe('unknown_format');
      expect(error.message).toContain('LibreView CSV, Dexcom Clarity CSV, CSV with the columns id,time,gl');
    }
  });

  it('refuses an empty file', async () => {
    expect((await detectError(textSource(''))).code).toBe('empty_file');
    expect((await detectError(textSource('\n\n  \n'))).code).toBe('empty_file');
  });

  it('reads only the start of the file: it stops on an endless stream', async () => {
    let bytesRead = 0;
    const endless: ImportSource = {
      name: 'endless.csv',
      size: null,
      async *open() {
        yield Buffer.from('id,time,gl\n');
        for (;;) {
          const chunk = Buffer.from('A,2026-02-10 08:00:00,100\n'.repeat(100));
          bytesRead += chunk.length;
          yield chunk;
        }
      },
    };
    expect(await detectFormat(endless)).toBe('csv');
    expect(bytesRead).toBeLessThan(70 * 1024);
  });

  it('turns a read error into an unreadable-file error', async () => {
    const broken: ImportSource = {
      name: 'gone.csv',
      size: null,
      open: () => createReadStream('/nonexistent/gone.csv'),
    };
    const error = await detectError(broken);
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('ENOENT');
  });
});
