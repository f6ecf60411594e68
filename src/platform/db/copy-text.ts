// COPY's text format on its own, without a database driver: a worker thread that writes COPY rows loads
// this and not pg.

/** One value in COPY's text format: backslash, tab and line breaks escaped; `\N` is NULL. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** One row in COPY's text format (no line break). */
export function copyRow(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(copyField).join('\t');
}
