import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessPolicy, ActionRule, Actor } from '../access/index.ts';
import { notFound } from '../errors/index.ts';
import type { Outbox } from './index.ts';

/** Captured mail holds personal data: administrators only, and every read is audited. */
export const outboxRules: Record<string, ActionRule> = {
  'mail.outbox.read': {
    grants: [{ role: 'administrator' }],
    purposes: ['administration'],
    personalData: true,
    resourceType: 'mail',
  },
};

const summary = z.object({
  id: z.uuid(),
  receivedAt: z.date(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
});

export function outboxRoutes(deps: {
  outbox: Outbox;
  access: AccessPolicy;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['administration'];
    app.get(
      '/api/v1/admin/outbox',
      {
        schema: {
          tags,
          summary: 'Mail captured by the local SMTP server (newest first)',
          response: { 200: z.object({ capturing: z.boolean(), messages: z.array(summary) }) },
        },
      },
      async (request) => {
        await deps.access.require(deps.requireActor(request), {
          action: 'mail.outbox.read',
          purpose: 'administration',
        });
        const messages = await deps.outbox.list({ limit: 200 });
        return { capturing: true, messages };
      },
    );
    app.get(
      '/api/v1/admin/outbox/:id',
      {
        schema: {
          tags,
          summary: 'One captured message',
          params: z.object({ id: z.uuid() }),
          response: { 200: summary.extend({ text: z.string(), html: z.string().nullable() }) },
        },
      },
      async (request) => {
        await deps.access.require(deps.requireActor(request), {
          action: 'mail.outbox.read',
          purpose: 'administration',
          resourceId: request.params.id,
        });
        const message = await deps.outbox.get(request.params.id);
        if (!message) throw notFound('The message');
        return message;
      },
    );
  };
}
