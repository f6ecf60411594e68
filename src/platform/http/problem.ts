import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, type FieldError } from '../errors/index.ts';

/** RFC 9457 problem details, as every failing request answers. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Invalid input',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const PART: Record<'body' | 'querystring' | 'params' | 'headers', FieldError['in']> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

function problem(status: number, code: string, detail: string | undefined, requestId: string): Problem {
  return {
    type: `urn:topfit:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    code,
    requestId,
  };
}

/**
 * Fastify stops validating at the first invalid part of a request (params, then body, then query);
 * people fixing a form want every invalid field at once, so all parts are checked again here.
 */
function everyInvalidField(request: FastifyRequest): FieldError[] {
  const schema = request.routeOptions.schema ?? {};
  const parts: [keyof typeof PART, unknown][] = [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ];
  const errors: FieldError[] = [];
  for (const [part, data] of parts) {
    const partSchema: unknown = schema[part];
    if (!(partSchema instanceof z.ZodType)) continue;
    const result = partSchema.safeParse(data);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      errors.push({
        in: PART[part],
        pointer: `#${issue.path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`,
        detail: issue.message,
      });
    }
  }
  return errors;
}

/** Installs the one error handler that turns every error into `application/problem+json`. */
export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let body: Problem;
    if (hasZodFastifySchemaValidationErrors(error)) {
      body = {
        ...problem(422, 'invalid_input', 'Some fields are invalid.', request.id),
        errors: everyInvalidField(request),
      };
    } else if (error instanceof DomainError) {
      body = problem(error.status, error.code, error.message, request.id);
      if (error.fields.length > 0) body.errors = error.fields;
      if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
    } else if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      body = problem(
        403,
        'csrf_failed',
        'The request lacks a valid CSRF token; reload the page.',
        request.id,
      );
    } else if (error.statusCode === 429) {
      body = problem(429, 'rate_limited', 'Too many requests; try again later.', request.id);
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const code = error.statusCode === 400 ? 'bad_request' : (error.code ?? 'bad_request').toLowerCase();
      body = problem(error.statusCode, code, error.message, request.id);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      body = problem(500, 'internal', 'Something went wrong on our side.', request.id);
    }
    body.instance = request.url.split('?')[0];
    return reply.status(body.status).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body = problem(
      404,
      'not_found',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
      request.id,
    );
    body.instance = request.url.split('?')[0];
    return reply.status(404).type('application/problem+json').send(body);
  });
}
