import type { ImportFormat, ParsedItem, ParsedObservation } from './importers/types.ts';

/** At most this many rejected lines are kept and shown with an import; the count covers them all. */
export const REJECTIONS_KEPT = 100;

/** An import of a file or a batch, with what its importer reported. */
export interface ImportRecord {
  id: string;
  participantId: string;
  /** An importer's format, or 'api' for a JSON batch. */
  format: ImportFormat | 'api' | string;
  fileName: string;
  status: 'done' | 'failed';
  /** Lines or records read, readings or not. */
  rowsRead: number;
  imported: number;
  /** Readings stored before (or twice in this file): skipped. */
  duplicates: number;
  /** Lines that hold no reading we keep (notes, insulin, alerts, a preamble). */
  ignored: number;
  rejected: number;
  rejections: { line: number; reason: string }[];
  codes: { code: string; count: number }[];
  firstTime: Date | null;
  lastTime: Date | null;
  /** Why a failed import failed. */
  error: string | null;
  startedAt: Date;
  finishedAt: Date;
}

/** What a tally counted, as plain data: a worker thread's tally sent to the import it worked for. */
export interface TallyCounts {
  rowsRead: number;
  observations: number;
  ignored: number;
  rejected: number;
  rejections: { line: number; reason: string }[];
  firstTime: number | null;
  lastTime: number | null;
  codes: { code: string; count: number }[];
}

/** Counts what an importer yields while it streams past, keeping only the first rejections. */
export function createImportTally() {
  const codes = new Map<string, number>();
  const tally = {
    rowsRead: 0,
    observations: 0,
    ignored: 0,
    rejected: 0,
    rejections: [] as { line: number; reason: string }[],
    firstTime: null as number | null,
    lastTime: null as number | null,
    codes: () =>
      [...codes].map(([code, count]) => ({ code, count })).sort((a, b) => (a.code < b.code ? -1 : 1)),
    observation(code: string, time: number) {
      tally.rowsRead++;
      tally.observations++;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (tally.firstTime === null || time < tally.firstTime) tally.firstTime = time;
      if (tally.lastTime === null || time > tally.lastTime) tally.lastTime = time;
    },
    reject(line: number, reason: string) {
      tally.rowsRead++;
      tally.rejected++;
      if (tally.rejections.length < REJECTIONS_KEPT) tally.rejections.push({ line, reason });
    },
    ignore() {
      tally.rowsRead++;
      tally.ignored++;
    },
    /** Counts an importer's item; answers its observation, if it is one. */
    count(item: ParsedItem): ParsedObservation | undefined {
      if (item.kind === 'observation') {
        tally.observation(item.observation.code, item.observation.time);
        return item.observation;
      }
      if (item.kind === 'rejected') tally.reject(item.line, item.reason);
      else tally.ignore();
      return undefined;
    },
    counts(): TallyCounts {
      const { rowsRead, observations, ignored, rejected, rejections, firstTime, lastTime } = tally;
      return {
        rowsRead,
        observations,
        ignored,
        rejected,
        rejections,
        firstTime,
        lastTime,
        codes: tally.codes(),
      };
    },
    /** Adds what another tally counted, after what this one did. */
    add(other: TallyCounts) {
      tally.rowsRead += other.rowsRead;
      tally.observations += other.observations;
      tally.ignored += other.ignored;
      tally.rejected += other.rejected;
      for (const rejection of other.rejections) {
        if (tally.rejections.length < REJECTIONS_KEPT) tally.rejections.push(rejection);
      }
      for (const { code, count } of other.codes) codes.set(code, (codes.get(code) ?? 0) + count);
      if (other.firstTime !== null && (tally.firstTime === null || other.firstTime < tally.firstTime)) {
        tally.firstTime = other.firstTime;
      }
      if (other.lastTime !== null && (tally.lastTime === null || other.lastTime > tally.lastTime)) {
        tally.lastTime = other.lastTime;
      }
    },
  };
  return tally;
}

/** The observations of an importer's items, counting every item in the tally as it passes. */
export async function* tallied(
  tally: ImportTally,
  items: AsyncIterable<ParsedItem>,
): AsyncGenerator<ParsedObservation> {
  for await (const item of items) {
    const observation = tally.count(item);
    if (observation) yield observation;
  }
}

export type ImportTally = ReturnType<typeof createImportTally>;
