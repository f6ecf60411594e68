import { z } from 'zod';
import { toMmol } from '../../science/glucose/units.ts';
import { CANONICAL_UNIT, OBSERVATION_CODES } from './codes.ts';
import { IMPORT_FORMATS } from './importers/types.ts';

export const importFormat = z
  .enum(['auto', ...IMPORT_FORMATS])
  .describe('The file format; auto (default) recognises it from the content');
export const dateOrder = z
  .enum(['dmy', 'mdy'])
  .describe('LibreView only: day-month or month-day, when the file does not show which');
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .describe('IANA time zone of local times written without an offset; default the participant’s own');

/** The optional fields sent before the file in a multipart upload. */
export const uploadFields = z.object({
  format: importFormat.optional(),
  dateOrder: dateOrder.optional(),
  timeZone: timeZone.optional(),
});

export const importSummary = z
  .object({
    id: z.uuid(),
    format: z.string(),
    fileName: z.string(),
    status: z.enum(['done', 'failed']),
    rowsRead: z.number().int(),
    imported: z.number().int(),
    duplicates: z.number().int().describe('Readings stored before, or twice in this file: skipped'),
    ignored: z.number().int().describe('Lines that hold no reading the platform keeps (notes, alerts, …)'),
    rejected: z.number().int(),
    rejections: z.array(z.object({ line: z.number().int(), reason: z.string() })).describe('The first 100'),
    codes: z.array(z.object({ code: z.string(), count: z.number().int() })),
    firstTime: z.iso.datetime({ offset: true }).nullable(),
    lastTime: z.iso.datetime({ offset: true }).nullable(),
    error: z.string().nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    finishedAt: z.iso.datetime({ offset: true }),
  })
  .describe('What an import read, stored, skipped and rejected');

export const importList = z.object({ imports: z.array(importSummary) });

const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

export const batchObservation = z
  .object({
    code: z.enum(OBSERVATION_CODES as [string, ...string[]]).describe('LOINC code'),
    time: z.iso.datetime({ offset: true }).describe('When, with its UTC offset'),
    endTime: z.iso.datetime({ offset: true }).optional().describe('End of an interval (steps)'),
    value: z.number().finite(),
    unit: z.string().describe('The code’s canonical UCUM unit; glucose also in mg/dL'),
    source: z.string().min(1).max(200).describe('The device or app, part of the natural key'),
    method: z
      .enum(['continuous', 'scan', 'manual'])
      .optional()
      .describe(
        'A sensor reading on its own schedule, a scan, or a value measured or entered by hand; default continuous for CGM glucose, manual otherwise',
      ),
  })
  .superRefine((o, ctx) => {
    const canonical = CANONICAL_UNIT[o.code as keyof typeof CANONICAL_UNIT];
    const glucose = canonical === 'mmol/L';
    if (o.unit !== canonical && !(glucose && o.unit === 'mg/dL')) {
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: `Unit of ${o.code} must be ${canonical}${glucose ? ' or mg/dL' : ''}`,
      });
    }
    const mmol = glucose && o.unit === 'mg/dL' ? toMmol(o.value) : o.value;
    if (glucose ? mmol < 1 || mmol > 50 : o.value < 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: glucose ? 'Glucose must lie between 1 and 50 mmol/L (18–900 mg/dL)' : 'Must not be negative',
      });
    }
    const time = Date.parse(o.time);
    if (time < EARLIEST || time > Date.now() + DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['time'], message: 'Must lie between 2000 and tomorrow' });
    }
    if (o.endTime !== undefined && Date.parse(o.endTime) < time) {
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'Must not lie before time' });
    }
  });

export const batchBody = z.object({
  observations: z
    .array(batchObservation)
    .min(1)
    .max(10_000)
    .describe('At most 10,000 observations a request'),
});

export const nightscoutBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .describe('The Nightscout site, e.g. https://mijn-site.example.org'),
    apiSecret: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The site’s API secret (sent hashed, not kept)'),
    token: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Or an access token from the site’s admin tools (not kept)'),
  })
  .refine((body) => body.apiSecret === undefined || body.token === undefined, {
    path: ['token'],
    message: 'Send an API secret or a token, not both',
  });
