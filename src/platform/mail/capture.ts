import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Db } from '../db/index.ts';
import type { MailLogger, Outbox, OutboxMessage, WaitForOptions } from './model.ts';
import { createMailCaptureStore, type StoredMail } from './store.ts';

/** The largest message the capture accepts; the platform's own mail is a few kilobytes. */
export const CAPTURE_SIZE_LIMIT = 10 * 1024 * 1024;

const DEFAULT_WAIT_MS = 10_000;
const POLL_INTERVAL_MS = 100;

/** The capture server and its outbox; `close` stops the server. */
export interface Capture extends Outbox {
  close(): Promise<void>;
}

export interface CaptureOptions {
  /** 0 picks a free port; `port` on the result tells which. */
  port: number;
  db: Db;
  logger: MailLogger;
}

/** Starts an SMTP server on 127.0.0.1 that keeps every message it receives in the database. */
export async function startCapture(options: CaptureOptions): Promise<Capture> {
  const store = createMailCaptureStore(options.db);
  const { logger } = options;

  const server = new SMTPServer({
    name: 'topfit-capture',
    banner: 'TOPFIT mail capture',
    // Loopback only and plain text: there is nothing to encrypt or authenticate between two ends of
    // one machine, and without STARTTLS smtp-server never needs its publicly known test certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: CAPTURE_SIZE_LIMIT,
    closeTimeout: 2_000,
    logger: false,
    onData(stream, session, callback) {
      receive(stream, session).then(
        (id) => callback(null, `Message captured as ${id}`),
        (error: unknown) => callback(asSmtpError(error)),
      );
    },
  });

  /** Reads the whole message, then stores it; the SMTP reply waits for the database. */
  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      // Keep reading an oversized message to its end (the protocol requires it), but not in memory.
      if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
    }
    if (stream.sizeExceeded) {
      logger.warn({ limit: CAPTURE_SIZE_LIMIT }, 'mail capture refused an oversized message');
      throw new SmtpReplyError(552, 'Message exceeds the capture size limit of 10 MB');
    }
    const bytes = Buffer.concat(chunks);
    const raw = decodeRaw(bytes);
    const parsed = await simpleParser(bytes);
    const subject = parsed.subject ?? '';
    const { mailFrom, rcptTo } = session.envelope;
    const id = await store.insert({
      receivedAt: new Date(),
      from: mailFrom ? mailFrom.address.toLowerCase() : '',
      to: rcptTo.map((recipient) => recipient.address.toLowerCase()),
      subject,
      raw,
    });
    logger.info(
      { mailId: id, bytes: bytes.length, recipients: rcptTo.length, subjectLength: subject.length },
      'mail captured',
    );
    return id;
  }

  function asSmtpError(error: unknown): Error {
    if (error instanceof SmtpReplyError) return error;
    // A database failure is transient from the sender's side: a 4xx reply makes the send reject now,
    // and a retry may succeed.
    logger.error({ err: databaseErrorFields(error) }, 'mail capture could not store a message');
    return new SmtpReplyError(451, 'The capture could not store the message; try again');
  }

  server.on('error', (error) => {
    logger.error({ err: { name: error.name, code: errorCode(error) } }, 'mail capture server error');
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ port }, 'mail capture listening on 127.0.0.1');

  const toMessage = async (stored: StoredMail): Promise<OutboxMessage> => {
    const parsed = await simpleParser(stored.raw);
    return {
      ...stored,
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : null,
    };
  };

  return {
    port,

    forget: (address) => store.forget(address.toLowerCase()),

    async list({ limit }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new RangeError(`limit must be an integer from 1 to 1000, not ${limit}`);
      }
      return store.list(limit);
    },

    async get(id) {
      const stored = await store.get(id);
      return stored ? toMessage(stored) : null;
    },

    async waitFor(to, waitOptions: WaitForOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS;
      const deadline = Date.now() + timeoutMs;
      const query = {
        to: to.toLowerCase(),
        ...(waitOptions.since ? { since: waitOptions.since } : {}),
        ...(waitOptions.subjectIncludes !== undefined
          ? { subjectIncludes: waitOptions.subjectIncludes }
          : {}),
      };
      for (;;) {
        const stored = await store.findNewest(query);
        if (stored) return toMessage(stored);
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, left)));
      }
      const filters = [
        waitOptions.since ? `received since ${waitOptions.since.toISOString()}` : '',
        waitOptions.subjectIncludes !== undefined
          ? `with a subject including "${waitOptions.subjectIncludes}"`
          : '',
      ].filter(Boolean);
      throw new Error(
        `No mail to ${to}${filters.length ? ` ${filters.join(' ')}` : ''} arrived in the capture within ${timeoutMs} ms`,
      );
    },

    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** An error whose response code smtp-server sends as the reply to DATA. */
class SmtpReplyError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SmtpReplyError';
  }
}

/**
 * The raw message as text. Mail from nodemailer is 7-bit ASCII; other senders may use 8-bit UTF-8.
 * Anything else (another 8-bit charset, NUL bytes) cannot be kept in a text column without changing it,
 * so it is refused rather than silently altered.
 */
function decodeRaw(bytes: Buffer): string {
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SmtpReplyError(554, 'The capture keeps only messages whose raw bytes are UTF-8');
  }
  if (raw.includes('\u0000')) {
    throw new SmtpReplyError(554, 'The capture does not keep messages with NUL bytes');
  }
  return raw;
}

/** What to log of a failed store: a database error's message names tables and types, not the row. */
function databaseErrorFields(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, code: errorCode(error), message: error.message };
}

function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
