import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import {
  glucoseReportAnswer,
  glucoseReportQuery,
  type ReportAnswer,
  type ReportDays,
} from '../insights/index.ts';
import * as s from './schemas.ts';
import type { ResearchService } from './service.ts';

/** The insights module's report, which checks the policy (relation `study`, consent `research`). */
export type GlucoseReportReader = (
  actor: Actor,
  participantId: string,
  days: ReportDays,
  purpose: 'research',
) => Promise<ReportAnswer>;

export function researchRoutes(deps: {
  research: ResearchService;
  glucoseReport: GlucoseReportReader;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  const { research, glucoseReport, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['research'];
    app.get(
      '/api/v1/research/studies',
      {
        schema: {
          tags,
          summary: 'My studies (researchers); every study (data stewards)',
          response: { 200: s.studies },
        },
      },
      async (request) => ({ studies: await research.list(requireActor(request)) }),
    );
    app.post(
      '/api/v1/research/studies',
      {
        schema: {
          tags,
          summary: 'Start a study as its principal investigator (a draft)',
          body: s.studyInput,
          response: { 201: s.study },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await research.create(requireActor(request), request.body)),
    );
    app.get(
      '/api/v1/research/studies/:studyId',
      {
        schema: {
          tags,
          summary: 'One study (its team, data stewards)',
          params: s.studyParams,
          response: { 200: s.study },
        },
      },
      async (request) => research.get(requireActor(request), request.params.studyId),
    );
    app.patch(
      '/api/v1/research/studies/:studyId',
      {
        schema: {
          tags,
          summary: 'Change a draft: texts, consent document, ethics decision (its team)',
          params: s.studyParams,
          body: s.studyChanges,
          response: { 200: s.study },
        },
      },
      async (request) => research.update(requireActor(request), request.params.studyId, request.body),
    );
    app.post(
      '/api/v1/research/studies/:studyId/team',
      {
        schema: {
          tags,
          summary: 'Add a researcher to the team (the principal investigator)',
          params: s.studyParams,
          body: s.teamMember,
          response: { 200: s.study },
        },
      },
      async (request) =>
        research.addMember(requireActor(request), request.params.studyId, request.body.accountId),
    );
    app.post(
      '/api/v1/research/studies/:studyId/status',
      {
        schema: {
          tags,
          summary:
            'Next step: approved (a data steward), recruiting, closed, completed (the principal investigator)',
          params: s.studyParams,
          body: s.advance,
          response: { 200: s.study },
        },
      },
      async (request) => research.advance(requireActor(request), request.params.studyId, request.body.to),
    );
    app.post(
      '/api/v1/research/studies/:studyId/feasibility',
      {
        schema: {
          tags,
          summary:
            'How many members pass each criterion, and where those passing all live (its team; small counts withheld)',
          params: s.studyParams,
          body: s.feasibilityInput,
          response: { 200: s.feasibility },
        },
      },
      async (request) =>
        research.feasibility(requireActor(request), request.params.studyId, request.body.criteria),
    );
    app.get(
      '/api/v1/research/studies/:studyId/subjects',
      {
        schema: {
          tags,
          summary: 'Those taking part whose research consent holds, by the study’s pseudonyms (its team)',
          params: s.studyParams,
          response: { 200: s.subjects },
        },
      },
      async (request) => ({
        subjects: await research.subjects(requireActor(request), request.params.studyId),
      }),
    );
    app.get(
      '/api/v1/research/studies/:studyId/subjects/:pseudonym/glucose/report',
      {
        schema: {
          tags,
          summary:
            'A participant’s glucose report, by pseudonym, while they take part and consent to research',
          params: s.subjectParams,
          querystring: glucoseReportQuery,
          response: { 200: glucoseReportAnswer },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const participantId = await research.participantOf(
          actor,
          request.params.studyId,
          request.params.pseudonym,
        );
        return glucoseReport(actor, participantId, request.query.days, 'research');
      },
    );

    app.get(
      '/api/v1/me/studies',
      {
        schema: {
          tags,
          summary: 'Studies I can join, and those I take or took part in',
          response: { 200: s.studiesForParticipant },
        },
      },
      async (request) => ({ studies: await research.studiesForParticipant(requireActor(request)) }),
    );
    app.post(
      '/api/v1/me/studies/:studyId/enrolment',
      {
        schema: {
          tags,
          summary: 'Take part: sign the study’s consent (version and hash of the text read)',
          params: s.studyParams,
          body: s.signature,
          response: { 201: s.studyForParticipant },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await research.enrol(requireActor(request), request.params.studyId, request.body)),
    );
    app.post(
      '/api/v1/me/studies/:studyId/withdrawal',
      {
        schema: {
          tags,
          summary: 'Leave a study: its team sees nothing more of me from now on',
          params: s.studyParams,
          response: { 200: s.studyForParticipant },
        },
      },
      async (request) => research.withdraw(requireActor(request), request.params.studyId),
    );
  };
}
