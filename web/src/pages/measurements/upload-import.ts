import { ApiError, api } from '../../api.ts';
import type { ImportFormat, ImportSummary } from '../../api-types.ts';

/** LibreView files write dates as the account is set up: day first (Europe) or month first (US). */
export type DateOrder = 'dmy' | 'mdy';

export interface ImportRequest {
  file: File;
  format: ImportFormat | 'auto';
  /** Only after the server asked for it (a LibreView file whose dates fit both orders). */
  dateOrder: DateOrder | null;
  /** The zone of local times written without an offset: the participant's own. */
  timeZone: string;
}

/** One thing wrong with the upload, as the 422 names it: which field, what, and the file's line if known. */
export interface UploadProblem {
  pointer: string;
  detail: string;
  line: number | null;
  /** A stable slug for a file that cannot be read at all (`date_order_ambiguous`, `unknown_layout`, …). */
  issue: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readProblems(value: unknown): UploadProblem[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item) => ({
    pointer: typeof item.pointer === 'string' ? item.pointer : '',
    detail: typeof item.detail === 'string' ? item.detail : '',
    line: typeof item.line === 'number' ? item.line : null,
    issue: typeof item.issue === 'string' ? item.issue : null,
  }));
}

/**
 * A refused upload. It is an {@link ApiError}, so the usual messages apply; `problems` keeps what the shared
 * client drops: the line of the file each problem was found on.
 */
export class UploadError extends ApiError {
  readonly problems: UploadProblem[];

  constructor(status: number, body: unknown) {
    const problem = isRecord(body) ? body : {};
    const problems = readProblems(problem.errors);
    super({
      status,
      code: typeof problem.code === 'string' ? problem.code : 'unknown',
      ...(typeof problem.detail === 'string' ? { detail: problem.detail } : {}),
      ...(typeof problem.requestId === 'string' ? { requestId: problem.requestId } : {}),
      errors: problems.map(({ pointer, detail }) => ({ in: 'body', pointer, detail })),
    });
    this.problems = problems;
  }
}

/** The server asks which date order a file uses. */
export const asksDateOrder = (error: unknown): boolean =>
  error instanceof UploadError &&
  error.problems.some(
    (problem) => problem.issue === 'date_order_ambiguous' || problem.pointer === '#/dateOrder',
  );

interface UploadCallbacks {
  /** Bytes of the request body sent so far. */
  onProgress: (sent: number, total: number) => void;
  /** The whole file has reached the server, which now reads and stores it. */
  onSent: () => void;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * POST /me/measurements/imports as multipart, with XMLHttpRequest rather than fetch: only XHR reports upload
 * progress in every browser. The form fields go before the file, because the server reads them first and
 * then streams the file. Same CSRF header as the shared client (api.ts), with a token fetched for this upload.
 * Aborting through `signal` rejects with an `AbortError`.
 */
export async function uploadImport(
  request: ImportRequest,
  callbacks: UploadCallbacks,
  signal: AbortSignal,
): Promise<ImportSummary> {
  const { token } = await api.get<{ token: string }>('/csrf');
  signal.throwIfAborted();
  const body = new FormData();
  body.append('format', request.format);
  if (request.dateOrder) body.append('dateOrder', request.dateOrder);
  body.append('timeZone', request.timeZone);
  body.append('file', request.file, request.file.name);

  return new Promise<ImportSummary>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/me/measurements/imports');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) callbacks.onProgress(event.loaded, event.total);
    };
    xhr.upload.onload = () => callbacks.onSent();
    xhr.onload = () => {
      const answer = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && isRecord(answer))
        resolve(answer as unknown as ImportSummary);
      else reject(new UploadError(xhr.status, answer));
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
