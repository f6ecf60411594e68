import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import type { SummaryRecord } from './model.ts';
import * as s from './schemas.ts';
import type { InsightsService } from './service.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const summaryView = ({ participantId: _participant, ...rest }: SummaryRecord) => rest;

export function insightsRoutes(deps: {
  insights: InsightsService;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  const { insights, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['insights'];

    app.get(
      '/api/v1/me/glucose/report',
      {
        schema: {
          tags,
          summary: 'My glucose report: consensus metrics, time in ranges, AGP and the days of the period',
          querystring: s.reportQuery,
          response: { 200: s.reportAnswer },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return insights.report(actor, actor.accountId, request.query.days);
      },
    );
    app.get(
      '/api/v1/me/glucose/report.pdf',
      {
        schema: {
          tags,
          summary: 'My glucose report as one A4 page (PDF), without my name',
          querystring: s.pdfQuery,
        },
      },
      async (request, reply) => {
        const pdf = await insights.pdf(requireActor(request), request.query);
        return reply
          .type('application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="glucose-report-${request.query.days}-days-${request.query.lang}.pdf"`,
          )
          .send(pdf);
      },
    );
    app.get(
      '/api/v1/me/trends',
      {
        schema: {
          tags,
          summary: 'My steps or weight per local day',
          querystring: s.trendsQuery,
          response: { 200: s.trendAnswer },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return insights.trends(actor, actor.accountId, request.query.code, request.query.days);
      },
    );
    app.get(
      '/api/v1/me/glucose/summaries',
      {
        schema: {
          tags,
          summary: 'My stored glucose summaries of the last 14 and 90 days',
          response: { 200: s.summaryList },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return { summaries: (await insights.summaries(actor, actor.accountId)).map(summaryView) };
      },
    );
    app.get(
      '/api/v1/me/glucose/summaries/fhir',
      {
        schema: {
          tags,
          summary: 'My glucose summaries as FHIR R4 Observations (HL7 CGM IG) in a collection Bundle',
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const bundle = await insights.fhirSummaries(actor, actor.accountId);
        return reply.type(FHIR_JSON).send(JSON.stringify(bundle));
      },
    );
    app.get(
      '/api/v1/participants/:participantId/glucose/report',
      {
        schema: {
          tags,
          summary: 'A participant’s glucose report, for staff the access policy allows',
          params: s.participantParams,
          querystring: s.reportQuery,
          response: { 200: s.reportAnswer },
        },
      },
      async (request) =>
        insights.report(requireActor(request), request.params.participantId, request.query.days),
    );
  };
}
