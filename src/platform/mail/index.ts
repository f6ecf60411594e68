import { createTransport } from 'nodemailer';
import type { Db } from '../db/index.ts';
import { startCapture } from './capture.ts';
import type { MailLogger, MailMessage, Outbox } from './model.ts';

export type {
  MailLogger,
  MailMessage,
  Outbox,
  OutboxMessage,
  OutboxSummary,
  WaitForOptions,
} from './model.ts';
export { type MailContent, type MailLocale, renderMail } from './render.ts';

export interface Mailer {
  /** Sends over SMTP (the configured server, or the local capture); rejects if the server refuses. */
  send(message: MailMessage): Promise<void>;
  /** The capture, when no SMTP_URL is configured; null otherwise. */
  readonly outbox: Outbox | null;
  /** Closes the transport and the capture server. */
  close(): Promise<void>;
}

export interface MailerOptions {
  /** `SMTP_URL`; undefined starts the local capture instead. */
  smtpUrl: string | undefined;
  /** `MAIL_FROM`: the sender of every message. */
  from: string;
  /** `MAIL_CAPTURE_PORT`: the capture's port on 127.0.0.1; 0 picks a free one. */
  capturePort: number;
  db: Db;
  logger: MailLogger;
}

/**
 * Connects the platform to a mail server: the one at `smtpUrl`, or else a local capture server whose
 * messages are kept in the database and read at the outbox. Either way mail goes out over real SMTP.
 */
export async function createMailer(options: MailerOptions): Promise<Mailer> {
  const { logger, from } = options;
  const capture = options.smtpUrl
    ? null
    : await startCapture({ port: options.capturePort, db: options.db, logger });
  const transport = capture
    ? createTransport({ host: '127.0.0.1', port: capture.port, secure: false, ignoreTLS: true })
    : createTransport(options.smtpUrl);
  const via = capture ? 'capture' : 'smtp';

  return {
    outbox: capture,

    async send(message) {
      // Only lengths and ids are logged: addresses and content are personal data.
      const subjectLength = message.subject.length;
      let info: { messageId: string; rejected: unknown[] };
      try {
        info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
      } catch (error) {
        logger.error({ via, subjectLength, err: smtpErrorFields(error) }, 'mail not sent');
        throw error;
      }
      // nodemailer resolves when at least one recipient was accepted; a message has one recipient, but
      // a `to` listing several must not pass as sent when some of them were refused.
      if (info.rejected.length > 0) {
        logger.error(
          { via, subjectLength, rejected: info.rejected.length },
          'mail refused for some recipients',
        );
        throw new Error(`The mail server refused ${info.rejected.length} of the message's recipients`);
      }
      logger.info({ via, messageId: info.messageId, subjectLength }, 'mail sent');
    },

    async close() {
      transport.close();
      await capture?.close();
    },
  };
}

/**
 * What to log of a failed send. An SMTP reply often repeats the recipient's address, so the message
 * and the server's response text are left out; the codes say what happened.
 */
function smtpErrorFields(error: unknown): object {
  if (typeof error !== 'object' || error === null) return {};
  const fields: Record<string, unknown> = {};
  for (const key of ['name', 'code', 'responseCode', 'command']) {
    if (key in error) fields[key] = Reflect.get(error, key);
  }
  return fields;
}
