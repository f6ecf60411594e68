import { type Generated, type Selectable, sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { OutboxSummary } from './model.ts';

interface MailCaptureTable {
  id: Generated<string>;
  seq: Generated<number>;
  received_at: Date;
  envelope_from: string;
  envelope_to: string[];
  subject: string;
  raw: string;
}

type Tables = { mail_capture: MailCaptureTable };

/** A message as the capture stores it: the envelope, the subject and the raw MIME. */
export interface CapturedMail {
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

export interface StoredMail extends OutboxSummary {
  raw: string;
}

export interface NewestQuery {
  to: string;
  since?: Date;
  subjectIncludes?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The only code that reads or writes `mail_capture`. */
export function createMailCaptureStore(base: Db) {
  const db = base.withTables<Tables>();

  return {
    /** Stores one message and returns its id. */
    async insert(mail: CapturedMail): Promise<string> {
      const row = await db
        .insertInto('mail_capture')
        .values({
          received_at: mail.receivedAt,
          envelope_from: mail.from,
          envelope_to: mail.to,
          subject: mail.subject,
          raw: mail.raw,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async forget(address: string): Promise<number> {
      const result = await db
        .deleteFrom('mail_capture')
        .where('envelope_to', '@>', sql<string[]>`ARRAY[${address}]::text[]`)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async list(limit: number): Promise<OutboxSummary[]> {
      const rows = await db
        .selectFrom('mail_capture')
        .select(['id', 'received_at', 'envelope_from', 'envelope_to', 'subject'])
        .orderBy('received_at', 'desc')
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toSummary);
    },

    async get(id: string): Promise<StoredMail | null> {
      // A malformed id (from a URL) is simply not there, rather than a uuid syntax error from the database.
      if (!UUID.test(id)) return null;
      const row = await db.selectFrom('mail_capture').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toStored(row) : null;
    },

    /** The newest message to one recipient (an address in lower case), optionally filtered. */
    async findNewest(query: NewestQuery): Promise<StoredMail | null> {
      let q = db
        .selectFrom('mail_capture')
        .selectAll()
        .where('envelope_to', '@>', sql<string[]>`ARRAY[${query.to}]::text[]`);
      if (query.since) q = q.where('received_at', '>=', query.since);
      // strpos rather than LIKE: the text is matched literally, % and _ included.
      if (query.subjectIncludes !== undefined) {
        q = q.where(sql<boolean>`strpos(subject, ${query.subjectIncludes}) > 0`);
      }
      const row = await q.orderBy('received_at', 'desc').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row ? toStored(row) : null;
    },
  };
}

export type MailCaptureStore = ReturnType<typeof createMailCaptureStore>;

type SummaryRow = Pick<
  Selectable<MailCaptureTable>,
  'id' | 'received_at' | 'envelope_from' | 'envelope_to' | 'subject'
>;

function toSummary(row: SummaryRow): OutboxSummary {
  return {
    id: row.id,
    receivedAt: new Date(row.received_at),
    from: row.envelope_from,
    to: row.envelope_to,
    subject: row.subject,
  };
}

function toStored(row: Selectable<MailCaptureTable>): StoredMail {
  return { ...toSummary(row), raw: row.raw };
}
