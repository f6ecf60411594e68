import { randomUUID } from 'node:crypto';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import { DomainError } from '../../platform/errors/index.ts';
import { DEFAULT_TIME_ZONE } from '../../science/glucose/local-time.ts';
import { CANONICAL_UNIT, CODES, type ObservationCode } from './codes.ts';
import { pullNightscout } from './importers/nightscout-client.ts';
import {
  type Importer,
  ImportFileError,
  type ImportFormat,
  type ImportSource,
  type ParsedObservation,
} from './importers/types.ts';
import { createImportTally, type ImportRecord, type ImportTally, tallied } from './model.ts';
import { parseInWorker } from './parse-worker.ts';
import { refusedRemoteAddress } from './remote-address.ts';
import type { LoadInput, LoadResult, MeasurementStore } from './store.ts';

export interface ImportRequest {
  /** Which importer reads the file; absent or 'auto' detects it. */
  format?: ImportFormat | 'auto';
  dateOrder?: 'dmy' | 'mdy';
  /** The zone of local times without an offset; default the participant's own. */
  timeZone?: string;
  onProgress?: (bytesRead: number) => void;
}

/** One observation of a JSON batch, as the API accepts it. */
export interface BatchObservation {
  code: ObservationCode;
  time: string;
  endTime?: string | undefined;
  value: number;
  unit: string;
  source: string;
  method?: ParsedObservation['method'] | undefined;
}

export interface MeasurementServiceDeps {
  store: MeasurementStore;
  access: AccessPolicy;
  importers: Record<ImportFormat, Importer>;
  detectFormat: (source: ImportSource) => Promise<ImportFormat>;
  isMember: (participantId: string) => Promise<boolean>;
  timeZoneOf: (participantId: string) => Promise<string | undefined>;
  /** Tests pull from a Nightscout stand-in on this machine; in use, internal addresses are refused. */
  allowInternalAddresses?: boolean;
  /** After an import that stored something: the participant's summaries are due again. */
  imported: (participantId: string) => Promise<void>;
  clock: () => Date;
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The problem an import answers with: the field (the file, a site's url), the line where known, the reason. */
function fileProblem(error: ImportFileError, pointer = '#/file'): DomainError {
  return new DomainError('invalid_input', error.message, [
    {
      in: 'body',
      pointer,
      detail: error.message,
      issue: error.code,
      ...(error.line === undefined ? {} : { line: error.line }),
    },
  ]);
}

import { MGDL_PER_MMOL } from '../../science/glucose/units.ts';

export function createMeasurementService(deps: MeasurementServiceDeps) {
  const { store, access } = deps;

  async function requireImport(actor: Actor, participantId: string) {
    await access.require(actor, {
      action: 'measurements.import',
      purpose: actor.accountId === participantId ? 'self_service' : 'support',
      subject: participantId,
    });
    if (!(await deps.isMember(participantId))) {
      throw new DomainError('conflict', 'Only members of the Citizen Lab can bring in measurements.');
    }
  }

  /**
   * Streams the importer's observations into the store while tallying; the summary is stored in the same
   * transaction. A file with no reading at all fails, and so stores nothing.
   */
  async function run(
    actor: Actor,
    participantId: string,
    format: () => string,
    fileName: string,
    input: (tally: ImportTally, importId: string) => LoadInput | Promise<LoadInput>,
    pointer = '#/file',
  ): Promise<ImportRecord> {
    const id = randomUUID();
    const startedAt = deps.clock();
    const tally = createImportTally();
    const record = (status: 'done' | 'failed', error: string | null, load?: LoadResult): ImportRecord => {
      // Readings that gave way to another source's (an iPhone's steps to the Watch's) count as not readings.
      const yielded = new Map((load?.yielded ?? []).map(({ code, count }) => [code, count]));
      let gaveWay = 0;
      for (const count of yielded.values()) gaveWay += count;
      return {
        id,
        participantId,
        format: format(),
        fileName,
        status,
        rowsRead: tally.rowsRead,
        imported: load?.inserted ?? 0,
        duplicates: load ? load.received - load.inserted - gaveWay : 0,
        ignored: tally.ignored + gaveWay,
        rejected: tally.rejected,
        rejections: tally.rejections,
        codes: tally
          .codes()
          .map(({ code, count }) => ({ code, count: count - (yielded.get(code) ?? 0) }))
          .filter(({ count }) => count > 0),
        firstTime: tally.firstTime === null ? null : new Date(tally.firstTime),
        lastTime: tally.lastTime === null ? null : new Date(tally.lastTime),
        error,
        startedAt,
        finishedAt: deps.clock(),
      };
    };
    let summary: ImportRecord | undefined;
    try {
      await store.load(participantId, id, await input(tally, id), async (result, session) => {
        if (result.received === 0) {
          const first = tally.rejections[0];
          throw new ImportFileError(
            'no_readings',
            tally.rejected > 0
              ? `No reading could be imported: ${tally.rejected} rejected, the first on line ${first?.line}: ${first?.reason}`
              : 'The file holds no readings to import.',
            first?.line,
          );
        }
        summary = record('done', null, result);
        await store.recordImport(session, summary, actor.accountId);
      });
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      await store.recordFailedImport(record('failed', error.message), actor.accountId);
      throw fileProblem(error, pointer);
    }
    if (!summary) throw new Error('import finished without a summary');
    if (summary.imported > 0) await deps.imported(participantId);
    return summary;
  }

  return {
    /** Imports one file for a participant: detects its format, reads it streaming, stores it all or nothing. */
    async importFile(
      actor: Actor,
      participantId: string,
      source: ImportSource,
      request: ImportRequest = {},
    ): Promise<ImportRecord> {
      await requireImport(actor, participantId);
      const timeZone = request.timeZone ?? (await deps.timeZoneOf(participantId)) ?? DEFAULT_TIME_ZONE;
      if (!knownTimeZone(timeZone)) {
        throw new DomainError('invalid_input', `Unknown time zone '${timeZone}'.`, [
          { in: 'body', pointer: '#/timeZone', detail: `'${timeZone}' is not an IANA time zone.` },
        ]);
      }
      let format: ImportFormat | undefined =
        request.format && request.format !== 'auto' ? request.format : undefined;
      // Detected inside the run, so that a file nobody recognises is kept as a failed import like any other.
      return run(
        actor,
        participantId,
        () => format ?? 'unknown',
        source.name,
        async (tally, importId) => {
          format ??= await deps.detectFormat(source);
          const importer = deps.importers[format];
          const options = {
            timeZone,
            ...(request.dateOrder ? { dateOrder: request.dateOrder } : {}),
            ...(request.onProgress ? { onProgress: request.onProgress } : {}),
          };
          if (!importer.inWorker) return tallied(tally, importer.parse(source, options));
          const threaded = format;
          return {
            encoded: (periods) =>
              parseInWorker({ format: threaded, source, options, participantId, importId, periods, tally }),
          };
        },
      );
    },

    /**
     * Pulls the participant's Nightscout site from where their stored Nightscout readings end (incremental), and
     * imports what it answers as one import. The secret or token is used for this pull and not kept.
     */
    async importNightscout(
      actor: Actor,
      participantId: string,
      site: { url: string; apiSecret?: string | undefined; token?: string | undefined },
    ): Promise<ImportRecord> {
      await requireImport(actor, participantId);
      const refused = deps.allowInternalAddresses ? null : await refusedRemoteAddress(site.url);
      if (refused) {
        throw new DomainError('invalid_input', `This Nightscout address cannot be used: ${refused}.`, [
          { in: 'body', pointer: '#/url', detail: `Cannot be used: ${refused}.` },
        ]);
      }
      const since = await store.latestTimeFromSources(participantId, 'nightscout');
      return run(
        actor,
        participantId,
        () => 'nightscout',
        new URL(site.url).host,
        async function* (tally) {
          yield* tallied(
            tally,
            pullNightscout({
              baseUrl: site.url,
              ...(site.apiSecret ? { apiSecret: site.apiSecret } : {}),
              ...(site.token ? { token: site.token } : {}),
              ...(since ? { since: since.getTime() } : {}),
            }),
          );
        },
        '#/url',
      );
    },

    /** Imports a JSON batch of observations (apps and devices); validated by the route, converted here. */
    async importBatch(
      actor: Actor,
      participantId: string,
      observations: BatchObservation[],
    ): Promise<ImportRecord> {
      await requireImport(actor, participantId);
      return run(
        actor,
        participantId,
        () => 'api',
        'batch',
        async function* (tally) {
          let line = 0;
          for (const o of observations) {
            line++;
            const glucose = CANONICAL_UNIT[o.code] === 'mmol/L';
            const value = glucose && o.unit === 'mg/dL' ? o.value / MGDL_PER_MMOL : o.value;
            const time = Date.parse(o.time);
            const offset = /([+-])(\d{2}):?(\d{2})$/.exec(o.time);
            tally.observation(o.code, time);
            yield {
              code: o.code,
              time,
              endTime: o.endTime ? Date.parse(o.endTime) : null,
              utcOffsetMinutes: offset
                ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
                : 0,
              timeZone: null,
              value,
              originalValue: String(o.value),
              originalUnit: o.unit,
              source: o.source,
              method: o.method ?? (o.code === CODES.cgmGlucose ? 'continuous' : 'manual'),
              flag: null,
              line,
            };
          }
        },
      );
    },

    async imports(actor: Actor, participantId: string): Promise<ImportRecord[]> {
      await access.require(actor, {
        action: 'measurements.read',
        purpose: 'self_service',
        subject: participantId,
      });
      return store.imports(participantId);
    },
  };
}

export type MeasurementService = ReturnType<typeof createMeasurementService>;
