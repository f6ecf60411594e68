/** One e-mail to one recipient, already rendered (see `renderMail`) in the recipient's language. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A captured message as the outbox page lists it: the SMTP envelope and the subject. */
export interface OutboxSummary {
  id: string;
  receivedAt: Date;
  /** The envelope sender, in lower case; '' for the null sender. */
  from: string;
  /** The envelope recipients, in lower case. */
  to: string[];
  subject: string;
}

/** A captured message with its content, parsed from the stored raw MIME. */
export interface OutboxMessage extends OutboxSummary {
  text: string;
  html: string | null;
  /** The message exactly as the capture server received it (CRLF line ends, dot-unstuffed). */
  raw: string;
}

export interface WaitForOptions {
  /** Only messages received at or after this moment (default: any). */
  since?: Date;
  /** Only messages whose subject contains this text (case-sensitive). */
  subjectIncludes?: string;
  /** How long to wait before rejecting; default 10 000 ms. */
  timeoutMs?: number;
}

/** The local capture: a real SMTP server on 127.0.0.1 whose messages are kept in the database. */
export interface Outbox {
  readonly port: number;
  /** The newest messages first, at most `limit` (1–1000). */
  list(options: { limit: number }): Promise<OutboxSummary[]>;
  /** One message, parsed with mailparser from the stored raw MIME; null when there is none with this id. */
  get(id: string): Promise<OutboxMessage | null>;
  /**
   * Waits (polling the database, default timeout 10 s) for the newest message to `to` received after
   * `since` (default: any), optionally whose subject includes a text; rejects with a clear error on
   * timeout. For tests and the browser tests.
   */
  waitFor(to: string, options?: WaitForOptions): Promise<OutboxMessage>;
  /** Deletes every captured message to an address (erasure at the person's request); returns how many. */
  forget(address: string): Promise<number>;
}

/** The structured logger the mailer writes to (pino fits). Never given addresses or message content. */
export interface MailLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
