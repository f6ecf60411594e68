/**
 * An importer run in a worker thread (parse-worker.thread.ts): the thread reads and parses the file and writes
 * the readings as chunks of COPY rows, which this thread copies into the database. Reading a large export (an
 * Apple Health export.xml of a gigabyte) is work for one whole core; with the parsing in a thread of its own,
 * that core and the one that copies work at the same time.
 *
 * Memory stays the same whatever the file's size. A chunk's memory is transferred to this thread, and back
 * once its rows are copied, for the worker to fill again; the worker waits while {@link CHUNKS_AHEAD} of its
 * chunks are not back, so it never runs further ahead of the database than that. A file on disk is read by
 * the worker itself; the bytes of any other source are sent to it, at most {@link BYTES_AHEAD} ahead of what
 * its importer has taken.
 */
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { readSourceBytes } from './importers/json-stream.ts';
import {
  ImportFileError,
  type ImportFormat,
  type ImportOptions,
  type ImportSource,
} from './importers/types.ts';
import type { CopyChunk, StoredPeriod } from './load.ts';
import type { ImportTally, TallyCounts } from './model.ts';

/** Bytes of the file sent to the worker and not taken by its importer yet. */
const BYTES_AHEAD = 4 << 20;
/** Chunks of rows (a megabyte each) the worker may have made whose rows are not copied yet. */
export const CHUNKS_AHEAD = 4;

/** What the worker is started with. */
export interface ParseWorkerData {
  format: ImportFormat;
  name: string;
  size: number | null;
  /** The file to read, opened; absent when its bytes are sent. */
  fd: number | undefined;
  options: Omit<ImportOptions, 'onProgress'>;
  participantId: string;
  importId: string;
  periods: StoredPeriod[];
}

/** Messages to the worker: the file's bytes and their end (when it is not to read the file), memory back. */
export type ToParseWorker =
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'released'; memory: ArrayBuffer };

/** An error as it crosses between threads; an ImportFileError keeps its code and line. */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
  line?: number | undefined;
}

/** Messages from the worker: bytes taken by the importer, a chunk of rows, and the end with the tally. */
export type FromParseWorker =
  | { type: 'read'; bytes: number }
  | { type: 'chunk'; chunk: Omit<CopyChunk, 'release'> }
  | { type: 'done'; tally: TallyCounts }
  | { type: 'failed'; error: ThreadError; tally: TallyCounts };

// The thread's entry registers tsx there: a worker starts without the module hooks of the thread that made it.
const THREAD = new URL('./parse-worker.thread.mjs', import.meta.url);

let running = 0;

/** Worker threads started and not ended: none once every import has finished, failed or been given up. */
export function runningParseWorkers(): number {
  return running;
}

export function threadError(error: unknown): ThreadError {
  if (error instanceof ImportFileError) {
    return { name: error.name, message: error.message, code: error.code, line: error.line };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

function rebuilt(error: ThreadError): Error {
  if (error.name === 'ImportFileError') {
    return new ImportFileError(error.code ?? 'unreadable', error.message, error.line);
  }
  const made = new Error(error.message);
  made.name = error.name;
  if (error.stack) made.stack = error.stack;
  return made;
}

export interface ParseInWorkerRequest {
  /** An importer that reads its source once, from start to end: the worker can feed it only so. */
  format: ImportFormat;
  source: ImportSource;
  options: ImportOptions;
  participantId: string;
  importId: string;
  periods: StoredPeriod[];
  /** Given what the worker counted when it ends, whether it finished or failed. */
  tally: ImportTally;
}

/**
 * The readings of a file as chunks of COPY rows, made by `IMPORTERS[format]` in a worker thread, with the
 * progress of its reading. An error of the file (ImportFileError, with its line) or of the worker is thrown
 * here; when the caller stops early, for whatever reason, the worker is stopped and the file closed. Each
 * chunk's `release` must be called once its rows are copied.
 */
export async function* parseInWorker(request: ParseInWorkerRequest): AsyncGenerator<CopyChunk> {
  const { onProgress, ...options } = request.options;
  const { path } = request.source;
  // Opened and closed here: a worker that is ended closes nothing.
  const file = path === undefined ? undefined : await open(path, 'r');
  const data: ParseWorkerData = {
    format: request.format,
    name: request.source.name,
    size: request.source.size,
    fd: file?.fd,
    options,
    participantId: request.participantId,
    importId: request.importId,
    periods: request.periods,
  };
  let worker: Worker;
  try {
    worker = new Worker(THREAD, { workerData: data });
  } catch (error) {
    await file?.close();
    throw error;
  }
  running++;
  worker.once('exit', () => {
    running--;
  });

  const chunks: CopyChunk[] = [];
  let finished = false;
  let failure: Error | undefined;
  let stopped = false;
  let bytesRead = 0;
  let bytesAhead = 0;
  // One waiter each: this generator for chunks, the sender of the file's bytes for room ahead.
  let chunkWaiter: (() => void) | undefined;
  let roomWaiter: (() => void) | undefined;
  const wakeChunks = () => {
    chunkWaiter?.();
    chunkWaiter = undefined;
  };
  const wakeSender = () => {
    roomWaiter?.();
    roomWaiter = undefined;
  };
  const fail = (error: Error) => {
    failure ??= error;
    wakeChunks();
  };

  worker.on('message', (message: FromParseWorker) => {
    switch (message.type) {
      case 'read':
        bytesRead += message.bytes;
        bytesAhead -= message.bytes;
        onProgress?.(bytesRead);
        wakeSender();
        return;
      case 'chunk': {
        const { bytes } = message.chunk;
        const memory = bytes.buffer as ArrayBuffer;
        chunks.push({
          ...message.chunk,
          // A Buffer again, as the database drivers write it, over the memory transferred.
          bytes: Buffer.from(memory, bytes.byteOffset, bytes.byteLength),
          release: () => {
            if (!stopped) worker.postMessage({ type: 'released', memory } satisfies ToParseWorker, [memory]);
          },
        });
        wakeChunks();
        return;
      }
      case 'done':
        request.tally.add(message.tally);
        finished = true;
        wakeChunks();
        return;
      case 'failed':
        request.tally.add(message.tally);
        fail(rebuilt(message.error));
        return;
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!finished)
      fail(new Error(`The import's worker thread ended before the file did (exit code ${code}).`));
  });

  const send = async () => {
    for await (const bytes of readSourceBytes(request.source)) {
      if (stopped) return;
      // Copied by postMessage: a stream's chunk may share its memory with other chunks.
      worker.postMessage({ type: 'bytes', bytes } satisfies ToParseWorker);
      bytesAhead += bytes.byteLength;
      while (bytesAhead > BYTES_AHEAD && !stopped) {
        await new Promise<void>((resolve) => {
          roomWaiter = resolve;
        });
      }
      if (stopped) return;
    }
    worker.postMessage({ type: 'end' } satisfies ToParseWorker);
  };
  if (file === undefined) {
    send().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  }

  try {
    for (;;) {
      if (failure) throw failure;
      const chunk = chunks.shift();
      if (chunk) yield chunk;
      else if (finished) return;
      else {
        await new Promise<void>((resolve) => {
          chunkWaiter = resolve;
        });
      }
    }
  } finally {
    stopped = true;
    wakeSender();
    await worker.terminate();
    await file?.close();
  }
}
