/**
 * The worker thread of parse-worker.ts: runs an importer over a file and sends its readings back as chunks of
 * COPY rows, routed and written as `store.load` would have (load.ts), then what it counted.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { IMPORTERS } from './importers/index.ts';
import type { ImportSource, ParsedItem } from './importers/types.ts';
import { ChunkMemory, type CopyChunk, CopyEncoder } from './load.ts';
import { createImportTally } from './model.ts';
import {
  CHUNKS_AHEAD,
  type FromParseWorker,
  type ParseWorkerData,
  type ToParseWorker,
  threadError,
} from './parse-worker.ts';

/**
 * Bytes read from the file at a time. Each piece becomes one string for the parser: a megabyte's string is
 * allocated where V8 keeps large objects, freed only by a full collection, and the thread's memory doubled
 * with them; pieces of 64 KiB die young.
 */
const READ_BYTES = 64 * 1024;

const port = parentPort;
if (!port) throw new Error('parse-worker.thread.ts runs in a worker thread');
const data = workerData as ParseWorkerData;

/** Bytes sent by the other thread (when there is no file to read), not taken yet. */
const sent: Uint8Array[] = [];
let sentAll = false;
/** Memory of chunks whose rows were copied, to be filled again. */
const memory = new ChunkMemory();
let chunksOut = 0;
// The thread waits for one thing at a time: more bytes, or a chunk's memory back.
let waiter: (() => void) | undefined;
const nextMessage = () =>
  new Promise<void>((resolve) => {
    waiter = resolve;
  });

port.on('message', (message: ToParseWorker) => {
  if (message.type === 'bytes') sent.push(message.bytes);
  else if (message.type === 'end') sentAll = true;
  else {
    memory.release(message.memory);
    chunksOut--;
  }
  waiter?.();
  waiter = undefined;
});

const post = (message: FromParseWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/**
 * The file's bytes, read in this thread: it has nothing else to do meanwhile, and a read from the page cache
 * takes microseconds, where an asynchronous one waited for a thread of libuv's pool to be scheduled (half a
 * second of an import, on a busy machine). Each piece in memory of its own, as an importer may keep a part.
 * The other thread opened the file and closes it, also when it ends this one early.
 */
function* fileBytes(fd: number): Generator<Uint8Array> {
  for (;;) {
    const bytes = Buffer.allocUnsafeSlow(READ_BYTES);
    const length = readSync(fd, bytes, 0, READ_BYTES, null);
    if (length === 0) return;
    yield length === READ_BYTES ? bytes : bytes.subarray(0, length);
  }
}

async function* sentBytes(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const bytes = sent.shift();
    if (bytes) yield bytes;
    else if (sentAll) return;
    else await nextMessage();
  }
}

let opened = false;
const source: ImportSource = {
  name: data.name,
  size: data.size,
  open() {
    if (opened) throw new Error('An importer in a worker thread reads its file once');
    opened = true;
    const { fd } = data;
    return (async function* () {
      for await (const chunk of fd === undefined ? sentBytes() : fileBytes(fd)) {
        post({ type: 'read', bytes: chunk.byteLength });
        yield chunk;
      }
    })();
  },
};

async function* oneByOne(items: AsyncIterable<ParsedItem>): AsyncGenerator<ParsedItem[]> {
  for await (const item of items) yield [item];
}

async function send(chunk: CopyChunk) {
  chunksOut++;
  post({ type: 'chunk', chunk }, [chunk.bytes.buffer as ArrayBuffer]);
  while (chunksOut >= CHUNKS_AHEAD) await nextMessage();
}

const tally = createImportTally();
try {
  const importer = IMPORTERS[data.format];
  const batches =
    importer.parseBatches?.(source, data.options) ?? oneByOne(importer.parse(source, data.options));
  const encoder = new CopyEncoder(data.participantId, data.importId, data.periods, memory.allocate);
  // One loop over the items, not the two generators of the importing thread's way (tallied, then
  // encodeObservations): each costs promises per reading, and this thread's time is the import's.
  for await (const items of batches) {
    for (const item of items) {
      const observation = tally.count(item);
      const chunk = observation && encoder.add(observation);
      if (chunk) await send(chunk);
    }
  }
  for (const chunk of encoder.finish()) await send(chunk);
  post({ type: 'done', tally: tally.counts() });
} catch (error) {
  post({ type: 'failed', error: threadError(error), tally: tally.counts() });
}
// The other thread ends this one once it has every message.
