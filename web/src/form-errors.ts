import type { TFunction } from 'i18next';
import { isApiError } from './api.ts';

const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'mfa_required',
  'not_found',
  'conflict',
  'consent_required',
  'rate_limited',
  'email_not_verified',
  'invalid_token',
  'gone',
  'quota_full',
  'csrf_failed',
  'network_error',
] as const;
type ErrorCode = (typeof ERROR_CODES)[number];
const isErrorCode = (code: string): code is ErrorCode => ERROR_CODES.some((known) => known === code);

/** Fields with a message of their own; other fields get the generic one. */
const FIELD_MESSAGES = [
  'email',
  'password',
  'newPassword',
  'currentPassword',
  'displayName',
  'code',
  'name',
  'type',
  'role',
  'organisationId',
  'locale',
  'participant',
  'actor',
  'from',
  'to',
  'birthYear',
  'birthMonth',
  'postcode4',
  'sexAtBirth',
  'contactPreference',
  'timeZone',
  'query',
  'reason',
] as const;
type FieldWithMessage = (typeof FIELD_MESSAGES)[number];
const hasFieldMessage = (field: string): field is FieldWithMessage =>
  FIELD_MESSAGES.some((known) => known === field);

/** Per-page wording for some codes, e.g. `unauthenticated` on the sign-in page: "wrong e-mail or password". */
export type ErrorOverrides = Partial<Record<string, string>>;

/** A translated sentence for any error: the problem's `code`, or a network or unknown failure. */
export function errorMessage(error: unknown, t: TFunction, overrides: ErrorOverrides = {}): string {
  if (!isApiError(error)) return t('errors.unknown');
  const override = overrides[error.code];
  if (override) return override;
  if (error.code === 'rate_limited' && error.retryAfterSeconds !== null) {
    const seconds = Math.max(1, error.retryAfterSeconds);
    return seconds < 120
      ? t('errors.rate_limited_wait', { count: seconds })
      : t('errors.rate_limited_wait_minutes', { count: Math.ceil(seconds / 60) });
  }
  if (isErrorCode(error.code)) return t(`errors.${error.code}`);
  return error.requestId
    ? t('errors.unknown_with_reference', { reference: error.requestId })
    : t('errors.unknown');
}

/** The form field a problem pointer names: `#/email` → `email`, `#/roles/0` → `roles`. */
function fieldOfPointer(pointer: string): string {
  return pointer.replace(/^#?\/?/, '').split('/')[0] ?? '';
}

interface FormProblem<F extends string> {
  /** Messages for the fields of this form, keyed by field name. */
  fields: Partial<Record<F, string>>;
  /** A message for the form as a whole (an alert above the submit button). */
  form: string;
}

/**
 * Puts a failed request onto a form: each problem `errors[]` entry whose pointer names one of `fieldNames`
 * becomes that field's message; everything else becomes one form-level message.
 */
export function problemToFormErrors<F extends string>(
  error: unknown,
  fieldNames: readonly F[],
  t: TFunction,
  overrides: ErrorOverrides = {},
): FormProblem<F> {
  const fields: Partial<Record<F, string>> = {};
  const unmatched: string[] = [];
  const fieldErrors = isApiError(error) ? error.errors : [];
  for (const fieldError of fieldErrors) {
    const name = fieldOfPointer(fieldError.pointer);
    const field = fieldNames.find((candidate) => candidate === name);
    if (field === undefined) {
      unmatched.push(fieldError.detail);
    } else if (fields[field] === undefined) {
      fields[field] = hasFieldMessage(field) ? t(`fieldErrors.${field}`) : t('fieldErrors.generic');
    }
  }
  const matchedAll = fieldErrors.length > 0 && unmatched.length === 0;
  let form: string;
  if (isApiError(error) && error.code === 'invalid_input' && !overrides.invalid_input) {
    form = matchedAll ? t('errors.check_fields') : [t('errors.invalid_input'), ...unmatched].join(' ');
  } else {
    form = errorMessage(error, t, overrides);
  }
  return { fields, form };
}
