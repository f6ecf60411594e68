import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../platform/access/index.ts';
import { consentBundle } from './fhir.ts';
import * as s from './schemas.ts';
import type { ConsentService } from './service.ts';

export function consentRoutes(deps: {
  consent: ConsentService;
  requireActor: (request: FastifyRequest) => Actor;
  publicUrl: string;
}) {
  const { consent, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['consent'];

    app.get(
      '/api/v1/consent/purposes',
      {
        schema: {
          tags,
          summary: 'The consent purposes with the documents in force',
          response: { 200: s.catalogueAnswer },
        },
      },
      async () => ({ purposes: await consent.catalogue() }),
    );
    app.get(
      '/api/v1/consent/purposes/:key/versions/:version',
      {
        schema: {
          tags,
          summary: 'One version of a purpose’s document',
          params: s.documentParams,
          response: { 200: s.documentAnswer },
        },
      },
      async (request) => consent.document(request.params.key, request.params.version),
    );
    app.post(
      '/api/v1/admin/consent/purposes/:key/versions',
      {
        schema: {
          tags,
          summary: 'Publish a new version of a purpose’s document',
          params: s.purposeParams,
          body: s.publishBody,
          response: { 201: s.documentAnswer },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await consent.publish(requireActor(request), request.params.key, request.body)),
    );

    app.get(
      '/api/v1/me/consents',
      {
        schema: {
          tags,
          summary: 'My decision per purpose and what counts now',
          response: { 200: s.stateAnswer },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return { purposes: await consent.state(actor, actor.accountId) };
      },
    );
    app.post(
      '/api/v1/me/consents',
      {
        schema: {
          tags,
          summary: 'Grant or refuse a purpose',
          body: s.decideBody,
          response: { 201: s.receiptAnswer },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await consent.decide(requireActor(request), request.body)),
    );
    app.get(
      '/api/v1/me/consents/history',
      {
        schema: {
          tags,
          summary: 'Every change of my consents, newest first',
          response: { 200: s.historyAnswer },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return { events: await consent.history(actor, actor.accountId) };
      },
    );
    app.get(
      '/api/v1/me/consents/receipts/:id',
      {
        schema: {
          tags,
          summary: 'The receipt of one change, as a download',
          params: s.receiptParams,
          response: { 200: s.receiptAnswer },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const receipt = await consent.receipt(actor, actor.accountId, request.params.id);
        reply.header('content-disposition', `attachment; filename="consent-receipt-${receipt.eventId}.json"`);
        return receipt;
      },
    );
    app.get(
      '/api/v1/me/consents/fhir',
      {
        schema: {
          tags,
          summary: 'My consents as a FHIR R4 Bundle of Consent resources',
          response: { 200: z.unknown() },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const states = await consent.state(actor, actor.accountId);
        reply.type('application/fhir+json');
        reply.header('content-disposition', 'attachment; filename="topfit-consents-fhir.json"');
        return consentBundle(actor.accountId, states, deps.publicUrl);
      },
    );

    app.get(
      '/api/v1/participants/:id/consents',
      {
        schema: {
          tags,
          summary: 'Support: a participant’s consents (the reason is audited)',
          params: s.participantParams,
          querystring: s.supportQuery,
          response: { 200: s.stateAnswer },
        },
      },
      async (request) => ({
        purposes: await consent.state(requireActor(request), request.params.id, request.query.reason),
      }),
    );
    app.post(
      '/api/v1/participants/:id/consents/paper',
      {
        schema: {
          tags,
          summary: 'Support: register a decision made on paper',
          params: s.participantParams,
          body: s.paperBody,
          response: { 201: s.receiptAnswer },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await consent.recordOnPaper(requireActor(request), request.params.id, request.body)),
    );
  };
}
