/**
 * Pulling entries from a participant's Nightscout site (API v1), page by page, from where the last pull ended.
 *
 * How Nightscout answers `GET /api/v1/entries.json` (cgm-remote-monitor `lib/api/entries/index.js`,
 * `lib/server/query.js`): `find[date][$gt]` etc. filter on the epoch-ms `date`, `count` caps the page (default
 * 10), and entries come sorted newest first. A query without any `date` filter is limited to the last four days,
 * so the first pull asks for everything after 2000-01-01 instead. Paging therefore walks down: each next page
 * asks for entries up to and including the oldest `date` of the page before (`$lte`), skipping the entries at
 * that very `date` it already has and asking for as many more (`count`). So entries that share a `date` are
 * neither lost nor repeated, however many there are, and every full page brings new entries.
 *
 * Authentication: the header `api-secret` with the SHA-1 hex of the site's API secret, or an access token in the
 * query (`token=`), as Nightscout's own clients do.
 */

import { createHash } from 'node:crypto';
import { EARLIEST_TIME, isObject, toNumber } from './json-stream.ts';
import { parseNightscoutEntry } from './nightscout.ts';
import { ImportFileError, type ParsedItem } from './types.ts';

export interface NightscoutPullOptions {
  /** The site's address, e.g. `https://example.herokuapp.com` (a trailing `/api/v1` is accepted too). */
  baseUrl: string;
  /** The site's API secret (sent hashed); or use `token`. */
  apiSecret?: string;
  /** An access token made in the site's admin tools. */
  token?: string;
  /** Pull only entries with a `date` after this (epoch ms): the `since` the previous pull returned. */
  since?: number;
  /** Replaceable for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Entries a request (default 1000). */
  pageSize?: number;
  /** Give up on a request after this many ms (default 30 s). */
  timeoutMs?: number;
}

const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The entries of a Nightscout site after `since`, newest first, as items numbered in the order they came.
 * Remember where the pull got to with {@link advanceSince}, and store it only once the whole pull is stored:
 * pages come newest first, so a pull cut short has the newest entries but not all older ones.
 * @throws ImportFileError 'nightscout_unauthorized' (the secret or token is refused), 'nightscout_unreachable'
 * (no answer, a server error, or not a web address), 'nightscout_invalid' (the answer is not Nightscout's JSON).
 */
export async function* pullNightscout(options: NightscoutPullOptions): AsyncGenerator<ParsedItem> {
  const entriesUrl = entriesAddress(options.baseUrl);
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
  const lowerBound = options.since ?? EARLIEST_TIME - 1;
  const now = Date.now();
  let upperBound: number | undefined;
  /** Entries already yielded whose `date` equals `upperBound`. */
  let seenAtUpperBound = new Set<string>();
  let line = 0;

  for (;;) {
    // Room for the entries at the boundary already yielded, so each full page brings `pageSize` new ones.
    const count = pageSize + seenAtUpperBound.size;
    const url = new URL(entriesUrl);
    url.searchParams.set('find[date][$gt]', String(lowerBound));
    if (upperBound !== undefined) url.searchParams.set('find[date][$lte]', String(upperBound));
    url.searchParams.set('count', String(count));
    if (options.token) url.searchParams.set('token', options.token);
    const page = await fetchPage(url, options);

    let oldest = Number.POSITIVE_INFINITY;
    const atOldest: string[] = [];
    for (const entry of page) {
      const date = toNumber(isObject(entry) ? entry.date : undefined);
      const key = entryKey(entry);
      if (date === upperBound && seenAtUpperBound.has(key)) continue;
      line += 1;
      yield parseNightscoutEntry(entry, line, now);
      if (date < oldest) {
        oldest = date;
        atOldest.length = 0;
      }
      if (date === oldest) atOldest.push(key);
    }
    // A page that is not full was the last; so was one without a date to page on (the filter needs one).
    if (page.length < count || !Number.isFinite(oldest)) return;
    if (oldest !== upperBound) seenAtUpperBound = new Set();
    upperBound = oldest;
    for (const key of atOldest) seenAtUpperBound.add(key);
  }
}

/**
 * Where the next pull starts: the latest instant among the observations pulled so far. Feed it every item of a
 * pull; entries it skips (ignored or rejected) are only asked for again, never lost.
 */
export function advanceSince(since: number | undefined, item: ParsedItem): number | undefined {
  if (item.kind !== 'observation') return since;
  return since === undefined ? item.observation.time : Math.max(since, item.observation.time);
}

function entriesAddress(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ImportFileError('nightscout_unreachable', `"${baseUrl}" is not a web address.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ImportFileError('nightscout_unreachable', `"${baseUrl}" is not an http or https address.`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  url.pathname = `${path}/api/v1/entries.json`;
  url.search = '';
  url.hash = '';
  return url;
}

async function fetchPage(url: URL, options: NightscoutPullOptions): Promise<unknown[]> {
  const site = url.origin;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiSecret) headers['api-secret'] = createHash('sha1').update(options.apiSecret).digest('hex');
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? 'did not answer in time'
        : 'cannot be reached';
    throw new ImportFileError('nightscout_unreachable', `The Nightscout site ${site} ${reason}.`);
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new ImportFileError(
      'nightscout_unauthorized',
      `The Nightscout site ${site} refused the API secret or token (HTTP ${response.status}).`,
    );
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new ImportFileError(
      'nightscout_unreachable',
      `The Nightscout site ${site} failed (HTTP ${response.status}).`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ImportFileError(
      'nightscout_invalid',
      `${site} has no Nightscout entries at ${url.pathname} (HTTP ${response.status}).`,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ImportFileError(
      'nightscout_invalid',
      `${site} did not answer with JSON: is it a Nightscout site?`,
    );
  }
  if (!Array.isArray(body)) {
    throw new ImportFileError('nightscout_invalid', `${site} did not answer with a list of entries.`);
  }
  return body;
}

/** What tells two entries with the same `date` apart: Nightscout's `_id`, else the entry's content. */
function entryKey(entry: unknown): string {
  if (isObject(entry) && typeof entry._id === 'string') return entry._id;
  return JSON.stringify(entry) ?? '';
}
