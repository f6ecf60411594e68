import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CODES } from '../codes.ts';
import { advanceSince, type NightscoutPullOptions, pullNightscout } from './nightscout-client.ts';
import { fileError } from './test-support.ts';
import type { ParsedItem } from './types.ts';

const SECRET = 'correct horse battery staple';
const TOKEN = 'readable-5f3c2a1b9d8e7f60';
const FOUR_DAYS = 4 * 86_400_000;

type Entry = Record<string, unknown> & { date: number };

/**
 * A stand-in for a Nightscout site (the real one is outside): `GET /api/v1/entries.json` filters on
 * `find[date][$gt|$gte|$lt|$lte]`, limits to the last four days without any date filter, sorts newest first,
 * cuts at `count` (default 10), and wants the SHA-1 of the API secret in `api-secret` or a token in `token`,
 * as cgm-remote-monitor does.
 */
class FakeNightscout {
  readonly entries: Entry[] = [];
  readonly requests: URL[] = [];
  readonly secretHeaders: (string | undefined)[] = [];
  answer: 'entries' | 'html' | 'not-found' | 'crash' = 'entries';
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      this.requests.push(url);
      const secret = request.headers['api-secret'];
      this.secretHeaders.push(typeof secret === 'string' ? secret : undefined);
      if (this.answer === 'html')
        return response.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      if (this.answer === 'crash') return response.writeHead(500).end('{"status":500}');
      if (this.answer === 'not-found' || url.pathname !== '/api/v1/entries.json') {
        return response.writeHead(404).end('Cannot GET');
      }
      const hashed = createHash('sha1').update(SECRET).digest('hex');
      if (secret !== hashed && url.searchParams.get('token') !== TOKEN) {
        return response
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"status":401,"message":"Unauthorized"}');
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.query(url)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private query(url: URL): Entry[] {
    const bound = (operator: string) => {
      const value = url.searchParams.get(`find[date][${operator}]`);
      return value === null ? undefined : Number.parseInt(value, 10);
    };
    const [gt, gte, lt, lte] = ['$gt', '$gte', '$lt', '$lte'].map(bound);
    const noDateFilter = [gt, gte, lt, lte].every((value) => value === undefined);
    const from = Date.now() - FOUR_DAYS;
    return this.entries
      .filter(
        ({ date }) =>
          (gt === undefined || date > gt) &&
          (gte === undefined || date >= gte) &&
          (lt === undefined || date < lt) &&
          (lte === undefined || date <= lte) &&
          (!noDateFilter || date >= from),
      )
      .sort((a, b) => b.date - a.date)
      .slice(0, Number(url.searchParams.get('count') ?? 10));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const sites: FakeNightscout[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((site) => site.stop()));
});

async function startSite(): Promise<{ site: FakeNightscout; baseUrl: string }> {
  const site = new FakeNightscout();
  sites.push(site);
  return { site, baseUrl: await site.start() };
}

let ids = 0;
function sgv(date: number, value: number): Entry {
  ids += 1;
  return {
    _id: ids.toString(16).padStart(24, '0'),
    type: 'sgv',
    sgv: value,
    date,
    dateString: new Date(date).toISOString(),
    utcOffset: 60,
    device: 'xDrip-LibreReceiver',
  };
}

async function pull(options: NightscoutPullOptions): Promise<ParsedItem[]> {
  const items: ParsedItem[] = [];
  for await (const item of pullNightscout(options)) items.push(item);
  return items;
}

const glucoseTimes = (items: ParsedItem[]) =>
  items.flatMap((item) => (item.kind === 'observation' ? [item.observation.time] : [])).sort((a, b) => a - b);

const START = Date.UTC(2025, 0, 1);

describe('pulling entries from a Nightscout site', () => {
  it('pages down through the whole history, every entry once, sending the hashed secret', async () => {
    const { site, baseUrl } = await startSite();
    for (let i = 0; i < 40; i += 1) site.entries.push(sgv(START + i * 300_000, 90 + i));
    site.entries.push({ ...sgv(START + 5 * 300_000, 0), type: 'mbg', mbg: 101 });
    site.entries.push({ type: 'cal', date: START + 7 * 300_000, slope: 850 });

    const items = await pull({ baseUrl: `${baseUrl}/`, apiSecret: SECRET, pageSize: 7 });

    expect(items).toHaveLength(42);
    expect(items.map((item) => (item.kind === 'observation' ? item.observation.line : item.line))).toEqual(
      Array.from({ length: 42 }, (_, index) => index + 1),
    );
    const cgm = items.flatMap((item) =>
      item.kind === 'observation' && item.observation.code === CODES.cgmGlucose
        ? [item.observation.time]
        : [],
    );
    expect(new Set(cgm).size).toBe(40);
    expect(
      items.filter((item) => item.kind === 'observation' && item.observation.method === 'manual'),
    ).toHaveLength(1);
    expect(items.filter((item) => item.kind === 'ignored')).toHaveLength(1);
    expect(site.requests.length).toBeGreaterThanOrEqual(6);
    expect(site.requests[0]?.searchParams.get('find[date][$gt]')).toBe(String(Date.UTC(2000, 0, 1) - 1));
    expect(
      site.secretHeaders.every((header) => header === createHash('sha1').update(SECRET).digest('hex')),
    ).toBe(true);
  });

  it('pulls only what is new the second time, from where the first pull ended', async () => {
    const { site, baseUrl } = await startSite();
    for (let i = 0; i < 12; i += 1) site.entries.push(sgv(START + i * 300_000, 100 + i));
    let since: number | undefined;
    for (const item of await pull({ baseUrl, token: TOKEN, pageSize: 5 })) since = advanceSince(since, item);
    expect(since).toBe(START + 11 * 300_000);

    site.entries.push(sgv(START + 12 * 300_000, 140), sgv(START + 13 * 300_000, 141));
    const second = await pull({ baseUrl, token: TOKEN, pageSize: 5, since });

    expect(glucoseTimes(second)).toEqual([START + 12 * 300_000, START + 13 * 300_000]);
    expect(site.requests.at(-1)?.searchParams.get('token')).toBe(TOKEN);
    const third = await pull({ baseUrl, token: TOKEN, since: advanceSince(since, second[0] as ParsedItem) });
    expect(third).toEqual([]);
  });

  it('neither loses nor repeats entries that share a time, even more of them than fit a page', async () => {
    const { site, baseUrl } = await startSite();
    site.entries.push(sgv(START, 100));
    for (let i = 0; i < 5; i += 1) site.entries.push(sgv(START + 600_000, 110 + i));
    site.entries.push(sgv(START + 1_200_000, 120));

    const items = await pull({ baseUrl, apiSecret: SECRET, pageSize: 3 });

    const values = items.flatMap((item) =>
      item.kind === 'observation' ? [item.observation.originalValue] : [],
    );
    expect(values.sort()).toEqual(['100', '110', '111', '112', '113', '114', '120']);
  });

  it('says clearly when the secret is wrong', async () => {
    const { baseUrl } = await startSite();
    const error = await fileError(pull({ baseUrl, apiSecret: 'wrong' }));
    expect(error.code).toBe('nightscout_unauthorized');
    expect(error.message).toContain('refused the API secret or token (HTTP 401)');
  });

  it('says the site cannot be reached when nothing answers', async () => {
    const { site, baseUrl } = await startSite();
    await site.stop();
    sites.splice(sites.indexOf(site), 1);
    const error = await fileError(pull({ baseUrl, apiSecret: SECRET }));
    expect(error.code).toBe('nightscout_unreachable');
    expect(error.message).toBe(`The Nightscout site ${baseUrl} cannot be reached.`);
  });

  it('tells a server failure, a wrong address and an answer that is not Nightscout apart', async () => {
    const { site, baseUrl } = await startSite();
    site.answer = 'crash';
    expect((await fileError(pull({ baseUrl, apiSecret: SECRET }))).code).toBe('nightscout_unreachable');
    site.answer = 'not-found';
    expect((await fileError(pull({ baseUrl, apiSecret: SECRET }))).code).toBe('nightscout_invalid');
    site.answer = 'html';
    const html = await fileError(pull({ baseUrl, apiSecret: SECRET }));
    expect(html.code).toBe('nightscout_invalid');
    expect(html.message).toContain('did not answer with JSON');
    expect((await fileError(pull({ baseUrl: 'ftp://example.org', apiSecret: SECRET }))).code).toBe(
      'nightscout_unreachable',
    );
    expect((await fileError(pull({ baseUrl: 'not an address', apiSecret: SECRET }))).code).toBe(
      'nightscout_unreachable',
    );
  });

  it('accepts a site address given with /api/v1 at the end', async () => {
    const { site, baseUrl } = await startSite();
    site.entries.push(sgv(START, 100));
    expect(glucoseTimes(await pull({ baseUrl: `${baseUrl}/api/v1/`, apiSecret: SECRET }))).toEqual([START]);
    expect(site.requests[0]?.pathname).toBe('/api/v1/entries.json');
  });
});
