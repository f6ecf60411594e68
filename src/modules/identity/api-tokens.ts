import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../platform/access/index.ts';
import { DomainError, notFound } from '../../platform/errors/index.ts';
import { requestMeta } from '../../platform/http/index.ts';
import type { SessionContext } from './auth-service.ts';
import { type IdentityDeps, identityEvent, type RequestMeta } from './deps.ts';
import { hashToken, newToken } from './secrets.ts';
import type { ApiTokenRow } from './store.ts';

/** What a personal API token looks like: a prefix that secret scanners and people recognise, then 256 bits. */
export const API_TOKEN = /^tfp_[A-Za-z0-9_-]{43}$/;
/** The longest a token lives: a script's key should not outlast a study's analysis by much. */
export const API_TOKEN_MAX_DAYS = 90;
/** Last use is written at most this often per token: enough to tell a token in use from a forgotten one. */
const TOUCH_AFTER_MS = 60_000;

export interface ApiToken {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const toApiToken = (row: ApiTokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/**
 * Personal API tokens: a researcher's key for scripts that read research extracts (R, Python) without a browser
 * session. Made only in a session past its second factor, shown once, kept as SHA-256, expiring within 90 days,
 * revocable. A request with one acts as its owner with the roles they hold now — and only on GET routes that say
 * they take tokens (`config: { apiToken: true }`): everything else is refused, so a leaked token reads at most
 * what its owner's team may download, and changes nothing.
 */
export function createApiTokenService(deps: Pick<IdentityDeps, 'store' | 'access' | 'audit' | 'clock'>) {
  const { store, access, audit, clock } = deps;
  const manage = (actor: Actor) =>
    access.require(actor, { action: 'api_token.manage', purpose: 'self_service', subject: actor.accountId });

  return {
    async create(
      actor: Actor,
      session: SessionContext,
      meta: RequestMeta,
      input: { name: string; days: number },
    ): Promise<ApiToken & { token: string }> {
      await manage(actor);
      if (session.apiTokenId) {
        throw new DomainError('forbidden', 'A token cannot make tokens: sign in to the site to make one.');
      }
      const now = clock();
      const token = `tfp_${newToken()}`;
      const row = {
        id: randomUUID(),
        account_id: actor.accountId,
        name: input.name,
        token_hash: hashToken(token),
        created_at: now,
        expires_at: new Date(now.getTime() + input.days * 86_400_000),
      };
      await store.addApiToken(row);
      await audit.record(
        identityEvent(meta, actor, {
          action: 'api_token.create',
          resourceType: 'api_token',
          resourceId: row.id,
          outcome: 'success',
          details: { name: input.name, expiresAt: row.expires_at.toISOString() },
        }),
      );
      return { ...toApiToken({ ...row, last_used_at: null, revoked_at: null }), token };
    },

    async list(actor: Actor): Promise<ApiToken[]> {
      await manage(actor);
      return (await store.apiTokensOf(actor.accountId)).map(toApiToken);
    },

    async revoke(actor: Actor, meta: RequestMeta, id: string): Promise<void> {
      await manage(actor);
      if (!(await store.revokeApiToken(id, actor.accountId, clock()))) throw notFound('This token');
      await audit.record(
        identityEvent(meta, actor, {
          action: 'api_token.revoke',
          resourceType: 'api_token',
          resourceId: id,
          outcome: 'success',
        }),
      );
    },

    /** The owner of a live token, as a session that has passed its second factor (it was made in one). */
    async authenticate(token: string): Promise<SessionContext | undefined> {
      const tokenHash = hashToken(token);
      const now = clock();
      const row = await store.apiTokenByHash(tokenHash, now);
      if (!row) return undefined;
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_AFTER_MS) {
        await store.touchApiToken(row.id, now);
      }
      return {
        sessionId: `api-token:${row.id}`,
        accountId: row.account_id,
        roles: row.roles,
        mfaPending: false,
        mfaVerified: true,
        mfaSetupRequired: false,
        locale: row.locale,
        expiresAt: row.expires_at,
        tokenHash,
        apiTokenId: row.id,
      };
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;

const apiToken = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

/** The account's tokens: make one (shown once), list them, revoke one. */
export function apiTokenRoutes(deps: {
  apiTokens: ApiTokenService;
  requireActor: (request: FastifyRequest) => Actor;
  requireSession: (request: FastifyRequest) => SessionContext;
}) {
  const { apiTokens, requireActor, requireSession } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['account'];
    app.get(
      '/api/v1/me/api-tokens',
      {
        schema: {
          tags,
          summary: 'My personal API tokens (never the tokens themselves)',
          response: { 200: z.object({ tokens: z.array(apiToken) }) },
        },
      },
      async (request) => ({ tokens: await apiTokens.list(requireActor(request)) }),
    );
    app.post(
      '/api/v1/me/api-tokens',
      {
        schema: {
          tags,
          summary:
            'Make a personal API token for scripts that read research extracts; shown only in this answer',
          body: z.object({
            name: z.string().trim().min(1).max(100).describe('What it is for, to recognise it later.'),
            days: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).describe('Days until it expires.'),
          }),
          response: { 201: apiToken.extend({ token: z.string() }) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await apiTokens.create(
              requireActor(request),
              requireSession(request),
              requestMeta(request),
              request.body,
            ),
          ),
    );
    app.delete(
      '/api/v1/me/api-tokens/:id',
      {
        schema: { tags, summary: 'Revoke a personal API token at once', params: z.object({ id: z.uuid() }) },
      },
      async (request, reply) => {
        await apiTokens.revoke(requireActor(request), requestMeta(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
