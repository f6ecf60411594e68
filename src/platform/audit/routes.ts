import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessPolicy, ActionRule, Actor } from '../access/index.ts';
import type { Audit } from './index.ts';

/** Who may search the audit log: administrators, signed in with two factors. */
export const auditRules: Record<string, ActionRule> = {
  'audit.search': {
    grants: [{ role: 'administrator' }],
    purposes: ['security_audit'],
    personalData: true,
    resourceType: 'audit_log',
  },
};

const query = z.object({
  participant: z.uuid().optional().describe('Entries about this participant (or account).'),
  actor: z.uuid().optional().describe('Entries of this acting account.'),
  from: z.iso.datetime({ offset: true }).optional().describe('From this moment (inclusive).'),
  to: z.iso.datetime({ offset: true }).optional().describe('Until this moment (exclusive).'),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Entries older than this sequence number (paging).'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const entry = z.object({
  seq: z.number().int(),
  at: z.date(),
  actorAccountId: z.string().nullable(),
  actorRole: z.string().nullable(),
  onBehalfOf: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  subjectParticipantId: z.string().nullable(),
  purpose: z.string().nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  requestId: z.string().nullable(),
  clientAddress: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export function auditRoutes(deps: {
  audit: Audit;
  access: AccessPolicy;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  return async function register(root: FastifyInstance) {
    root.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/admin/audit',
      {
        schema: {
          tags: ['administration'],
          summary: 'Search the audit log (newest first)',
          querystring: query,
          response: { 200: z.object({ entries: z.array(entry), nextBefore: z.number().int().nullable() }) },
        },
      },
      async (request) => {
        const actor = deps.requireActor(request);
        const q = request.query;
        await deps.access.require(actor, {
          action: 'audit.search',
          purpose: 'security_audit',
          ...(q.participant ? { subject: q.participant } : {}),
          details: { actor: q.actor ?? null, from: q.from ?? null, to: q.to ?? null },
        });
        const entries = await deps.audit.search({
          ...(q.participant ? { participantId: q.participant } : {}),
          ...(q.actor ? { actorAccountId: q.actor } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          ...(q.before ? { beforeSeq: q.before } : {}),
          limit: q.limit,
        });
        const last = entries.at(-1);
        return { entries, nextBefore: entries.length === q.limit && last ? last.seq : null };
      },
    );
  };
}
