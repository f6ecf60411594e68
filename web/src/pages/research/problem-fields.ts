import type { TFunction } from 'i18next';
import { isApiError } from '../../api.ts';
import { type ErrorOverrides, errorMessage } from '../../form-errors.ts';

/**
 * A problem's field errors by their whole path, for forms whose fields are nested in the body: `#/title/nl`
 * → `title.nl`, `#/ethics/documentSha256` → `ethics.documentSha256`, `#/criteria/all/2/min` →
 * `criteria.all.2.min`. (form-errors.ts keeps only the first segment, which is enough for flat forms.)
 */
export function problemPaths(error: unknown): { path: string; detail: string }[] {
  if (!isApiError(error)) return [];
  return error.errors.map((fieldError) => ({
    path: fieldError.pointer
      .replace(/^#?\/?/, '')
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .join('.'),
    detail: fieldError.detail,
  }));
}

/**
 * Puts a failed request on a form with nested fields: each field error whose path is `prefix` and one of
 * `fields` gets `message(field)`; the form-level message says to look at the fields, or adds what matched none.
 */
export function placeProblem<F extends string>(
  error: unknown,
  fields: readonly F[],
  message: (field: F) => string,
  t: TFunction,
  { overrides = {}, prefix = '' }: { overrides?: ErrorOverrides; prefix?: string } = {},
): { fields: Partial<Record<F, string>>; form: string } {
  const placed: Partial<Record<F, string>> = {};
  const unmatched: string[] = [];
  for (const { path, detail } of problemPaths(error)) {
    const field = fields.find((candidate) => `${prefix}${candidate}` === path);
    if (field === undefined) unmatched.push(detail);
    else placed[field] ??= message(field);
  }
  const anyPlaced = Object.keys(placed).length > 0;
  let form: string;
  if (isApiError(error) && error.code === 'invalid_input') {
    form =
      anyPlaced && unmatched.length === 0
        ? t('errors.check_fields')
        : [t('errors.invalid_input'), ...unmatched].join(' ');
  } else {
    form = errorMessage(error, t, overrides);
  }
  return { fields: placed, form };
}
