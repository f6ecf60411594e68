import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import * as s from './schemas.ts';
import type { CoachingService } from './service.ts';

export function coachingRoutes(deps: {
  coaching: CoachingService;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  const { coaching, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['coaching'];
    app.post(
      '/api/v1/coaching/caseloads',
      {
        schema: {
          tags,
          summary: 'Put a member in a coach’s caseload (administrators)',
          body: s.caseloadPair,
          response: { 201: s.assigned },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await coaching.assign(requireActor(request), request.body)),
    );
    app.delete(
      '/api/v1/coaching/caseloads/:coachId/:participantId',
      {
        schema: {
          tags,
          summary: 'End a coaching: the coach sees nothing of the member from now on (administrators)',
          params: s.caseloadPair,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await coaching.end(requireActor(request), request.params);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/api/v1/me/caseload',
      {
        schema: {
          tags,
          summary: 'My caseload (coaches): the members I coach and whether each shares with me now',
          response: { 200: s.caseloadAnswer },
        },
      },
      async (request) => ({ members: await coaching.caseload(requireActor(request)) }),
    );
  };
}
