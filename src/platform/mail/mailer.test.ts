import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { createMailer, type Mailer, type MailMessage, type Outbox } from './index.ts';

const FROM = 'TOPFIT Citizen Lab <no-reply@topfit.localhost>';

/** Every recipient of these tests is at this domain, so the log can be searched for it. */
const recipient = (name = 'p') => `${name}-${randomUUID()}@deelnemer.example.org`;

const message = (to: string, subject: string, body = 'Hallo'): MailMessage => ({
  to,
  subject,
  text: `${body}\n`,
  html: `<p>${body}</p>`,
});

/** A real pino logger writing into memory, so the tests can read what the mailer logs. */
function memoryLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('without SMTP_URL, the local capture', () => {
  let testDb: TestDatabase;
  let mailer: Mailer;
  let outbox: Outbox;
  const log = memoryLogger();

  beforeAll(async () => {
    testDb = await createTestDatabase();
    mailer = await createMailer({
      smtpUrl: undefined,
      from: FROM,
      capturePort: 0,
      db: testDb.database.db,
      logger: log.logger,
    });
    if (!mailer.outbox) throw new Error('expected an outbox without SMTP_URL');
    outbox = mailer.outbox;
  });

  afterAll(async () => {
    await mailer?.close();
    await testDb?.drop();
  });

  it('listens on a real port of its own on 127.0.0.1', () => {
    expect(outbox.port).toBeGreaterThan(0);
  });

  it('keeps a sent message as real MIME with its envelope, subject, text and html, before the send resolves', async () => {
    const to = recipient();
    await mailer.send({
      to,
      subject: 'Bevestig uw e-mailadres',
      text: 'Klik op de link.\n',
      html: '<p>Klik op de <a href="https://topfit.example/v">link</a>.</p>',
    });

    // No waiting: a resolved send means the capture has stored the message.
    const summary = (await outbox.list({ limit: 1000 })).find((m) => m.to.includes(to));
    expect(summary).toMatchObject({
      from: 'no-reply@topfit.localhost',
      to: [to],
      subject: 'Bevestig uw e-mailadres',
    });
    const stored = await outbox.get(summary?.id ?? '');
    if (!stored) throw new Error('the listed message was not found by its id');

    // Read the raw MIME independently of get()'s own parsing.
    expect(stored.raw).toMatch(/^MIME-Version: 1\.0\r$/m);
    expect(stored.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    const parsed = await simpleParser(stored.raw);
    expect(parsed.subject).toBe('Bevestig uw e-mailadres');
    expect(parsed.from?.value).toEqual([
      { name: 'TOPFIT Citizen Lab', address: 'no-reply@topfit.localhost' },
    ]);
    expect(parsed.to).toMatchObject({ value: [{ address: to }] });
    expect(parsed.text).toBe('Klik op de link.\n');
    expect(parsed.html).toBe('<p>Klik op de <a href="https://topfit.example/v">link</a>.</p>');

    expect(stored).toMatchObject({ text: parsed.text, html: parsed.html, subject: parsed.subject });
    expect(stored.receivedAt).toBeInstanceOf(Date);
  });

  it('lists the newest message first', async () => {
    const to = recipient();
    for (const subject of ['eerste', 'tweede', 'derde']) await mailer.send(message(to, subject));
    const newest = await outbox.list({ limit: 3 });
    expect(newest.map((m) => m.subject)).toEqual(['derde', 'tweede', 'eerste']);
    expect(newest[0]?.receivedAt.getTime()).toBeGreaterThanOrEqual(
      newest[2]?.receivedAt.getTime() ?? Infinity,
    );
  });

  it('waitFor returns the newest message to the right recipient, filtered by subject', async () => {
    const anna = recipient('anna');
    const bram = recipient('bram');
    await mailer.send(message(bram, 'Uw code: 4711'));
    await mailer.send(message(bram, 'Welkom, Bram'));
    await mailer.send(message(anna, 'Welkom, Anna'));

    expect((await outbox.waitFor(bram)).subject).toBe('Welkom, Bram');
    expect((await outbox.waitFor(bram, { subjectIncludes: 'code' })).subject).toBe('Uw code: 4711');
    expect((await outbox.waitFor(anna)).to).toEqual([anna]);
    // Addresses are compared without regard to case, as mail servers do in practice.
    expect((await outbox.waitFor(bram.toUpperCase())).subject).toBe('Welkom, Bram');
  });

  it('waitFor takes the subject text literally, wildcards included', async () => {
    const to = recipient();
    await mailer.send(message(to, 'Korting 50% op alles'));
    await expect(outbox.waitFor(to, { subjectIncludes: '5_%', timeoutMs: 200 })).rejects.toThrow(/No mail/);
    expect((await outbox.waitFor(to, { subjectIncludes: '50%' })).subject).toBe('Korting 50% op alles');
  });

  it('waitFor waits for a message that arrives after it started, ignoring older ones before `since`', async () => {
    const to = recipient();
    await mailer.send(message(to, 'oud bericht'));
    await sleep(5);
    const since = new Date();
    const waiting = outbox.waitFor(to, { since });
    await sleep(300);
    await mailer.send(message(to, 'nieuw bericht'));
    const arrived = await waiting;
    expect(arrived.subject).toBe('nieuw bericht');
    expect(arrived.receivedAt.getTime()).toBeGreaterThanOrEqual(since.getTime());
  });

  it('waitFor rejects with a clear error after its timeout when no such mail arrives', async () => {
    const to = recipient();
    await mailer.send(message(to, 'Iets anders'));
    const started = Date.now();
    await expect(outbox.waitFor(to, { subjectIncludes: 'Wachtwoord', timeoutMs: 400 })).rejects.toThrow(
      `No mail to ${to} with a subject including "Wachtwoord" arrived in the capture within 400 ms`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('keeps Dutch diacritics and emoji intact in subject, text and html', async () => {
    const to = recipient();
    const subject = 'Één stap verder, Zoë 🎉';
    const text = 'Beste Zoë,\n\nUw coëfficiënt is bijgewerkt ✅ — tot ziens! 👋\n';
    const html = '<p>Beste Zoë, uw coëfficiënt is bijgewerkt ✅ 👋</p>';
    await mailer.send({ to, subject, text, html });

    const stored = await outbox.waitFor(to, { timeoutMs: 0 });
    const parsed = await simpleParser(stored.raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(stored.subject).toBe(subject);
    expect((await outbox.list({ limit: 1 }))[0]?.subject).toBe(subject);
  });

  it('refuses a message over its size limit, and the send rejects', async () => {
    const to = recipient();
    const big = 'x'.repeat(11 * 1024 * 1024);
    await expect(
      mailer.send({ to, subject: 'te groot', text: big, html: `<p>${big}</p>` }),
    ).rejects.toMatchObject({
      responseCode: 552,
    });
    await expect(outbox.waitFor(to, { timeoutMs: 0 })).rejects.toThrow(/No mail/);
  });

  it('answers null for an id it does not have, malformed or not', async () => {
    expect(await outbox.get(randomUUID())).toBeNull();
    expect(await outbox.get('not-a-uuid')).toBeNull();
  });

  it('refuses a list limit outside 1 to 1000', async () => {
    await expect(outbox.list({ limit: 0 })).rejects.toThrow(RangeError);
    await expect(outbox.list({ limit: 1001 })).rejects.toThrow(RangeError);
  });

  it('logs what happened without any address, subject or content', () => {
    const logged = log.lines.join('');
    expect(logged).toContain('"msg":"mail captured"');
    expect(logged).toContain('"msg":"mail sent"');
    expect(logged).not.toContain('deelnemer.example.org');
    expect(logged).not.toContain('no-reply@');
    expect(logged).not.toContain('Zoë');
    expect(logged).not.toContain('Bevestig');
    expect(logged).not.toContain('Hallo');
  });
});

describe('with SMTP_URL, the mailer', () => {
  let testDb: TestDatabase;
  let peer: SMTPServer;
  let mailer: Mailer;
  const received: { from: string; to: string[]; raw: Buffer }[] = [];
  const log = memoryLogger();

  beforeAll(async () => {
    testDb = await createTestDatabase();
    // A real SMTP server standing in for the organisation's mail server. It refuses mailboxes named
    // "onbekend-…" the way a server refuses an unknown user.
    peer = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onRcptTo(address: SMTPServerAddress, _session, callback) {
        if (address.address.startsWith('onbekend-')) {
          callback(Object.assign(new Error('5.1.1 No such mailbox here'), { responseCode: 550 }));
        } else {
          callback();
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const { mailFrom, rcptTo } = session.envelope;
          received.push({
            from: mailFrom ? mailFrom.address : '',
            to: rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const { port } = peer.server.address() as AddressInfo;
    mailer = await createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: FROM,
      capturePort: 0,
      db: testDb.database.db,
      logger: log.logger,
    });
  });

  afterAll(async () => {
    await mailer?.close();
    await new Promise<void>((resolve) => (peer ? peer.close(() => resolve()) : resolve()));
    await testDb?.drop();
  });

  it('has no outbox', () => {
    expect(mailer.outbox).toBeNull();
  });

  it('delivers the message to the configured server', async () => {
    const to = recipient();
    await mailer.send({
      to,
      subject: 'Uitnodiging voor het TOPFIT-platform',
      text: 'Welkom\n',
      html: '<p>Welkom</p>',
    });

    const delivered = received.find((m) => m.to.includes(to));
    expect(delivered).toMatchObject({ from: 'no-reply@topfit.localhost', to: [to] });
    const parsed = await simpleParser(delivered?.raw ?? '');
    expect(parsed.subject).toBe('Uitnodiging voor het TOPFIT-platform');
    expect(parsed.text).toBe('Welkom\n');
    expect(parsed.html).toBe('<p>Welkom</p>');
  });

  it('rejects the send when the server refuses the recipient', async () => {
    const to = recipient('onbekend');
    await expect(mailer.send(message(to, 'Nieuw wachtwoord instellen'))).rejects.toMatchObject({
      code: 'EENVELOPE',
      responseCode: 550,
    });
    expect(received.some((m) => m.to.includes(to))).toBe(false);
  });

  it('logs a refusal by its codes, without the address the server repeated', () => {
    const refusal = log.lines.find((line) => line.includes('"msg":"mail not sent"'));
    expect(refusal).toContain('"responseCode":550');
    expect(log.lines.join('')).not.toContain('deelnemer.example.org');
  });
});
