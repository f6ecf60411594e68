import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerProblemHandler } from './problem.ts';

export interface HttpOptions {
  logLevel: string;
  trustProxy: boolean;
  cookieSecret: string;
  secureCookies: boolean;
  /** The built web app, served with a fallback to index.html for client-side routes. */
  webRoot: string | undefined;
  /** Answers whether the platform can serve requests (database reachable). */
  ready: () => Promise<boolean>;
}

export type HttpServer = FastifyInstance;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** Where the request came from, for audit and sessions. */
export function requestMeta(request: FastifyRequest) {
  const agent = request.headers['user-agent'];
  return {
    requestId: request.id,
    clientAddress: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent : null,
  };
}

/** A Fastify app with the platform's cross-cutting parts; modules add their routes to it. */
export async function createHttpServer(options: HttpOptions): Promise<HttpServer> {
  const app = Fastify({
    trustProxy: options.trustProxy,
    // Requests are logged once, in onResponse below, with the route pattern instead of the URL.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logger: {
      level: options.logLevel,
      // Logs carry no personal data: no URLs (tokens, ids), no headers, no bodies.
      serializers: {
        req: (request: FastifyRequest) => ({ id: request.id, method: request.method }),
        res: () => ({}),
      },
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandler(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets inline styles; no inline script is allowed.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: options.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: options.secureCookies,
  });
  await app.register(fastifyCookie, { secret: options.cookieSecret });
  await app.register(fastifyCsrf, {
    cookieKey: '_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: options.secureCookies },
    getToken: (request) => {
      const token = request.headers['x-csrf-token'];
      return typeof token === 'string' ? token : '';
    },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TOPFIT platform API',
        version: '1',
        description:
          'REST API of the TOPFIT Citizen Lab and Health Innovation Hub. Cookie sessions; every unsafe request carries an `x-csrf-token` header from `GET /api/v1/csrf`. Errors are RFC 9457 problem details.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'topfit_session' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.addHook('onRequest', (request, reply, done) => {
    if (UNSAFE.has(request.method) && request.url.startsWith('/api/')) {
      app.csrfProtection(request, reply, done);
      return;
    }
    done();
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ready = await options.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
  app.get(
    '/api/v1/csrf',
    {
      schema: {
        tags: ['session'],
        summary: 'A CSRF token to send as x-csrf-token on unsafe requests',
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (_request, reply) => ({ token: reply.generateCsrf() }),
  );

  if (options.webRoot && existsSync(options.webRoot)) {
    await app.register(fastifyStatic, { root: options.webRoot, wildcard: false, index: false });
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path.startsWith('/api/')) {
        return reply.status(404).type('application/problem+json').send({
          type: 'urn:topfit:problem:not_found',
          title: 'Not found',
          status: 404,
          code: 'not_found',
          requestId: request.id,
        });
      }
      const file = path.slice(1);
      if (file && !file.includes('..') && existsSync(`${options.webRoot}/${file}`)) {
        const immutable = file.startsWith('assets/');
        return reply.sendFile(file, { maxAge: immutable ? '365d' : 0, immutable });
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
  return app;
}
