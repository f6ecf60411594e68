import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { ImportSource } from './types.ts';

/** A file on disk as an import's source; `path` lets a worker thread read it itself. */
export function fileSource(file: string, size: number, name = path.basename(file)): ImportSource {
  return { name, size, path: file, open: () => createReadStream(file) };
}
