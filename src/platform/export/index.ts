/** A value as it goes into a JSON or CSV file of a personal data export. */
export type ExportValue = string | number | boolean | null;

/**
 * One table's rows about one person, as a module hands them to the GDPR export (art. 15 and 20). Each
 * module that holds personal data contributes its own tables; secrets (password hashes, tokens) stay out.
 */
export interface TableExport {
  table: string;
  description: { nl: string; en: string };
  rows: Record<string, ExportValue>[];
}

export type ParticipantExporter = (participantId: string) => Promise<TableExport[]>;

/** A value of a database row as export data: dates as ISO 8601, everything else as it is. */
export function exportValue(value: unknown): ExportValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Rows of any shape as export rows. */
export const exportRows = (rows: Record<string, unknown>[]): Record<string, ExportValue>[] =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, exportValue(value)])));

/** RFC 4180 CSV: a header of the columns, fields quoted where they hold a comma, quote or line break. */
export function toCsv(rows: Record<string, ExportValue>[], columns?: string[]): string {
  const header = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const field = (value: ExportValue | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header.map((h) => field(h)), ...rows.map((row) => header.map((h) => field(row[h])))]
    .map((line) => line.join(','))
    .join('\r\n')
    .concat('\r\n');
}
