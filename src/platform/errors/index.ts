/** Stable problem slugs: the `code` of every error the API returns, translated by the web app. */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'mfa_required'
  | 'not_found'
  | 'conflict'
  | 'consent_required'
  | 'rate_limited'
  | 'email_not_verified'
  | 'invalid_token'
  | 'gone'
  /** A study's enrolment quota has no place left (in all, or in the participant's stratum). */
  | 'quota_full';

/** One invalid field: a JSON pointer into the request part it came from. */
export interface FieldError {
  in: 'body' | 'query' | 'params' | 'headers';
  pointer: string;
  detail: string;
  /** For answers to a questionnaire: the question's linkId and the kind of problem. */
  linkId?: string;
  issue?: string;
  /** For an imported file: the line (or record) the problem is on. */
  line?: number;
}

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 422,
  unauthenticated: 401,
  forbidden: 403,
  mfa_required: 403,
  not_found: 404,
  conflict: 409,
  consent_required: 403,
  rate_limited: 429,
  email_not_verified: 403,
  invalid_token: 400,
  gone: 410,
  quota_full: 409,
};

/** The one error type services throw; the HTTP layer turns it into RFC 9457 problem details. */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = STATUS[code];
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found.`);
export const forbidden = (why = 'You are not allowed to do this.') => new DomainError('forbidden', why);
export const conflict = (why: string) => new DomainError('conflict', why);
export const unauthenticated = () => new DomainError('unauthenticated', 'Sign in first.');
export const invalidToken = () =>
  new DomainError('invalid_token', 'This link is invalid, used already or expired. Ask for a new one.');

/** An invalid_input error for one or more body fields, named by their property path. */
export function invalidFields(fields: Record<string, string>): DomainError {
  return new DomainError(
    'invalid_input',
    'Some fields are invalid.',
    Object.entries(fields).map(([name, detail]) => ({ in: 'body', pointer: `#/${name}`, detail })),
  );
}
