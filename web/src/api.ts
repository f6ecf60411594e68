/**
 * The one HTTP client of the web app: same-origin JSON requests to /api/v1, the CSRF token on unsafe
 * methods, and RFC 9457 problem details turned into an {@link ApiError}.
 */

const BASE = '/api/v1';

/** One invalid field of a problem: a JSON pointer into the request part it came from. */
interface ProblemFieldError {
  in: string;
  pointer: string;
  detail: string;
  /** For answers to a questionnaire: the question's linkId and the kind of problem (`required`, `min_value` …). */
  linkId?: string;
  issue?: string;
}

/** RFC 9457 problem details, as the API answers every failing request. */
interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  requestId?: string;
  instance?: string;
  errors?: ProblemFieldError[];
}

/** A failed request; `code` is the stable slug the web app translates (`errors.<code>`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly errors: ProblemFieldError[];
  readonly requestId: string | undefined;
  /** Seconds from the `Retry-After` header of a 429, when given. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Requests after which the session (and so the CSRF binding) changed. */
const SESSION_CHANGING_PATHS = new Set([
  '/auth/sign-in',
  '/auth/sign-in/mfa',
  '/auth/sign-out',
  '/demo/sign-in',
]);

let csrfToken: Promise<string> | null = null;

/** Forgets the CSRF token, so the next unsafe request fetches a new one (after sign-in and sign-out). */
function dropCsrfToken(): void {
  csrfToken = null;
}

function getCsrfToken(): Promise<string> {
  if (!csrfToken) {
    const pending = send<{ token: string }>('GET', '/csrf', undefined, null).then((answer) => answer.token);
    pending.catch(() => {
      if (csrfToken === pending) csrfToken = null;
    });
    csrfToken = pending;
  }
  return csrfToken;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readFieldErrors(value: unknown): ProblemFieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item) => ({
    in: typeof item.in === 'string' ? item.in : 'body',
    pointer: typeof item.pointer === 'string' ? item.pointer : '',
    detail: typeof item.detail === 'string' ? item.detail : '',
    ...(typeof item.linkId === 'string' ? { linkId: item.linkId } : {}),
    ...(typeof item.issue === 'string' ? { issue: item.issue } : {}),
  }));
}

function readRetryAfter(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const problem: Problem = { status: response.status, code: 'unknown' };
  if (isRecord(body)) {
    if (typeof body.code === 'string') problem.code = body.code;
    if (typeof body.detail === 'string') problem.detail = body.detail;
    if (typeof body.title === 'string') problem.title = body.title;
    if (typeof body.requestId === 'string') problem.requestId = body.requestId;
    problem.errors = readFieldErrors(body.errors);
  }
  return new ApiError(problem, readRetryAfter(response));
}

async function send<T>(method: Method, path: string, body: unknown, csrf: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'network_error' });
  }
  if (!response.ok) throw await toApiError(response);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const unsafe = method !== 'GET';
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await send<T>(method, path, body, unsafe ? await getCsrfToken() : null);
      if (SESSION_CHANGING_PATHS.has(path)) dropCsrfToken();
      return answer;
    } catch (error) {
      // The token may be stale (new session, expired cookie): fetch a fresh one and try once more.
      if (
        unsafe &&
        attempt === 0 &&
        isApiError(error) &&
        error.status === 403 &&
        error.code === 'csrf_failed'
      ) {
        dropCsrfToken();
        continue;
      }
      throw error;
    }
  }
}

/** Same-origin JSON calls to `/api/v1`; `path` starts with a slash. */
export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

/** Builds a query string from the defined, non-empty values. */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
