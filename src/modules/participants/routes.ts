import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import * as s from './schemas.ts';
import type { ParticipantsService } from './service.ts';

const publicLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };

export function participantRoutes(deps: {
  participants: ParticipantsService;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  const { participants, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['citizen lab'];

    app.get(
      '/api/v1/regions/postcodes/:pc4',
      {
        config: publicLimit,
        schema: {
          tags,
          summary: 'The municipality of a 4-digit postcode, and whether it is in the region',
          params: s.postcodeParams,
          response: { 200: s.postcodeAnswer },
        },
      },
      async (request) => participants.lookupPostcode(request.params.pc4),
    );
    app.get(
      '/api/v1/regions/municipalities',
      {
        schema: {
          tags,
          summary: 'The municipalities where the Citizen Lab runs',
          response: { 200: s.municipalitiesAnswer },
        },
      },
      async () => ({ municipalities: await participants.municipalities() }),
    );
    app.post(
      '/api/v1/wait-list',
      {
        config: publicLimit,
        schema: {
          tags,
          summary: 'Hear when the Citizen Lab opens outside the region',
          body: s.waitListBody,
          response: { 202: s.accepted },
        },
      },
      async (request, reply) => {
        await participants.joinWaitList(request.body);
        return reply.status(202).send({});
      },
    );
    app.post(
      '/api/v1/me/participation',
      {
        schema: {
          tags,
          summary: 'Join the Citizen Lab: profile and first consent decisions',
          body: s.joinBody,
          response: { 201: s.profileAnswer },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await participants.join(requireActor(request), request.body)),
    );
    app.get(
      '/api/v1/participants',
      {
        schema: {
          tags,
          summary: 'Support: find a participant to help (the reason is audited; no health data)',
          querystring: s.findQuery,
          response: { 200: s.foundAnswer },
        },
      },
      async (request) => ({
        participants: await participants.find(
          requireActor(request),
          request.query.query,
          request.query.reason,
        ),
      }),
    );
    app.get(
      '/api/v1/panel/overview',
      {
        schema: {
          tags,
          summary: 'The panel in numbers, small counts withheld',
          response: { 200: s.overviewAnswer },
        },
      },
      async (request) => participants.overview(requireActor(request)),
    );
    app.post(
      '/api/v1/me/leave',
      {
        schema: {
          tags,
          summary: 'Leave the Citizen Lab: stop all further use, or erase everything',
          body: s.leaveBody,
          response: { 200: s.leaveAnswer, 202: s.leaveAnswer },
        },
      },
      async (request, reply) => {
        const result = await participants.leave(requireActor(request), request.body.mode);
        return reply.status(result.mode === 'erase' ? 202 : 200).send(result);
      },
    );
    app.get(
      '/api/v1/me/data-export',
      {
        schema: {
          tags,
          summary: 'Download all my data: a ZIP of JSON and CSV per table, a FHIR R4 Bundle and a readme',
          produces: ['application/zip'],
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const locale = request.sessionContext?.locale ?? 'nl';
        const archive = await participants.exportMyData(actor, locale);
        const day = new Date().toISOString().slice(0, 10);
        return reply
          .type('application/zip')
          .header(
            'content-disposition',
            `attachment; filename="topfit-${locale === 'nl' ? 'mijn-gegevens' : 'my-data'}-${day}.zip"`,
          )
          .send(Buffer.from(archive));
      },
    );
    app.get(
      '/api/v1/me/profile',
      { schema: { tags, summary: 'My Citizen Lab profile', response: { 200: s.profileAnswer } } },
      async (request) => {
        const actor = requireActor(request);
        return participants.profile(actor, actor.accountId);
      },
    );
    app.patch(
      '/api/v1/me/profile',
      {
        schema: {
          tags,
          summary: 'Correct my profile',
          body: s.profilePatchBody,
          response: { 200: s.profileAnswer },
        },
      },
      async (request) => participants.updateProfile(requireActor(request), request.body),
    );
  };
}
