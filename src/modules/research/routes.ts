import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import {
  glucoseReportAnswer,
  glucoseReportQuery,
  type ReportAnswer,
  type ReportDays,
} from '../insights/index.ts';
import type { DataAccessService } from './data-access.ts';
import { datasetCatalogue } from './datasets.ts';
import { toResearchStudy, toResearchSubjects } from './fhir.ts';
import type { NewsService } from './news.ts';
import type { RecruitmentService } from './recruitment.ts';
import * as s from './schemas.ts';
import type { ResearchService } from './service.ts';
import type { TaskService } from './tasks.ts';

/** The insights module's report, which checks the policy (relation `study`, consent `research`). */
export type GlucoseReportReader = (
  actor: Actor,
  participantId: string,
  days: ReportDays,
  purpose: 'research',
) => Promise<ReportAnswer>;

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** Routes that scripts may read with a researcher's personal API token (identity/api-tokens.ts). */
const READ_BY_SCRIPT = { apiToken: true };

export function researchRoutes(deps: {
  research: ResearchService;
  dataAccess: DataAccessService;
  news: NewsService;
  recruitment: RecruitmentService;
  tasks: TaskService;
  glucoseReport: GlucoseReportReader;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  const { research, dataAccess, news, recruitment, tasks, glucoseReport, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['research'];
    app.get(
      '/api/v1/research/studies',
      {
        config: READ_BY_SCRIPT,
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
        config: READ_BY_SCRIPT,
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
      '/api/v1/research/datasets',
      {
        config: READ_BY_SCRIPT,
        schema: {
          tags,
          summary: 'What a data request may ask for: data sets, their variables, units and codes',
          response: { 200: s.datasetCatalogue },
        },
      },
      async (request) => {
        requireActor(request);
        return { datasets: datasetCatalogue() };
      },
    );
    app.post(
      '/api/v1/research/studies/:studyId/data-requests',
      {
        schema: {
          tags,
          summary: 'Ask for a data set: data sets and variables, period, purpose (its team)',
          params: s.studyParams,
          body: s.dataRequestInput,
          response: { 201: s.dataRequest },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await dataAccess.request(requireActor(request), request.params.studyId, request.body)),
    );
    app.get(
      '/api/v1/research/studies/:studyId/data-requests',
      {
        config: READ_BY_SCRIPT,
        schema: {
          tags,
          summary: 'A study’s data requests (its team, data stewards)',
          params: s.studyParams,
          response: { 200: s.dataRequests },
        },
      },
      async (request) => ({
        requests: await dataAccess.requests(requireActor(request), request.params.studyId),
      }),
    );
    app.get(
      '/api/v1/research/data-requests',
      {
        schema: {
          tags,
          summary: 'Data requests waiting for a decision, oldest first (data stewards)',
          response: { 200: s.reviewQueue },
        },
      },
      async (request) => ({ requests: await dataAccess.reviewQueue(requireActor(request)) }),
    );
    app.get(
      '/api/v1/research/data-requests/:requestId',
      {
        config: READ_BY_SCRIPT,
        schema: {
          tags,
          summary: 'One data request (its study’s team, data stewards)',
          params: s.requestParams,
          response: { 200: s.dataRequest },
        },
      },
      async (request) => dataAccess.get(requireActor(request), request.params.requestId),
    );
    app.post(
      '/api/v1/research/data-requests/:requestId/decision',
      {
        schema: {
          tags,
          summary: 'Approve (with conditions) or reject a data request (a data steward, not its requester)',
          params: s.requestParams,
          body: s.decision,
          response: { 200: s.dataRequest },
        },
      },
      async (request) => dataAccess.decide(requireActor(request), request.params.requestId, request.body),
    );
    app.post(
      '/api/v1/research/data-requests/:requestId/extracts',
      {
        schema: {
          tags,
          summary: 'Run an approved request: an extract is written in the background (its team)',
          params: s.requestParams,
          response: { 202: s.extract },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await dataAccess.startExtract(requireActor(request), request.params.requestId)),
    );
    app.get(
      '/api/v1/research/studies/:studyId/extracts',
      {
        config: READ_BY_SCRIPT,
        schema: {
          tags,
          summary: 'A study’s extracts, newest first (its team)',
          params: s.studyParams,
          response: { 200: s.extracts },
        },
      },
      async (request) => ({
        extracts: await dataAccess.extracts(requireActor(request), request.params.studyId),
      }),
    );
    app.get(
      '/api/v1/research/extracts/:extractId',
      {
        config: READ_BY_SCRIPT,
        schema: {
          tags,
          summary: 'An extract: its progress, and when ready its manifest (files, sizes, SHA-256)',
          params: s.extractParams,
          response: { 200: s.extract },
        },
      },
      async (request) => dataAccess.extract(requireActor(request), request.params.extractId),
    );
    app.get(
      '/api/v1/research/extracts/:extractId/files/:name',
      {
        config: READ_BY_SCRIPT,
        schema: {
          tags,
          summary: 'Download a file of a ready extract (its team; audited; 410 once expired)',
          params: s.fileParams,
        },
      },
      async (request, reply) => {
        const { file, bytes } = await dataAccess.download(
          requireActor(request),
          request.params.extractId,
          request.params.name,
        );
        const type = request.params.name.endsWith('.json')
          ? 'application/json'
          : request.params.name.endsWith('.ndjson')
            ? 'application/fhir+ndjson'
            : request.params.name.endsWith('.csv')
              ? 'text/csv; charset=utf-8; header=present'
              : request.params.name.endsWith('.parquet')
                ? 'application/vnd.apache.parquet'
                : 'text/plain; charset=utf-8';
        return reply
          .header('content-type', type)
          .header('content-length', bytes)
          .header('content-disposition', `attachment; filename="${request.params.name}"`)
          .header('cache-control', 'no-store')
          .send(createReadStream(file));
      },
    );

    app.get(
      '/api/v1/research/studies/:studyId/subjects/:pseudonym/eligibility',
      {
        schema: {
          tags,
          summary:
            'Why a participant taking part passes or fails each criterion, by pseudonym (its team; audited)',
          params: s.subjectParams,
          response: { 200: s.eligibility },
        },
      },
      async (request) =>
        research.subjectEligibility(requireActor(request), request.params.studyId, request.params.pseudonym),
    );
    app.get(
      '/api/v1/me/studies/:studyId/eligibility',
      {
        schema: {
          tags,
          summary: 'Whether I am eligible for a study, criterion by criterion, on my own facts now',
          params: s.studyParams,
          response: { 200: s.eligibility },
        },
      },
      async (request) => research.eligibility(requireActor(request), request.params.studyId),
    );

    app.post(
      '/api/v1/research/studies/:studyId/news',
      {
        schema: {
          tags,
          summary:
            'Publish news or results in plain language to those who took part, or to the whole panel (its team)',
          params: s.studyParams,
          body: s.newsInput,
          response: { 201: s.news },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await news.publish(requireActor(request), request.params.studyId, request.body)),
    );
    app.get(
      '/api/v1/research/studies/:studyId/news',
      {
        schema: {
          tags,
          summary: 'A study’s news, newest first (its team)',
          params: s.studyParams,
          response: { 200: s.newsList },
        },
      },
      async (request) => ({ news: await news.newsOf(requireActor(request), request.params.studyId) }),
    );
    app.get(
      '/api/v1/me/study-news',
      {
        schema: {
          tags,
          summary: 'News of the studies I take or took part in, and for the whole panel, newest first',
          response: { 200: s.newsList },
        },
      },
      async (request) => ({ news: await news.forParticipant(requireActor(request)) }),
    );

    app.post(
      '/api/v1/research/studies/:studyId/invitations',
      {
        schema: {
          tags,
          summary:
            'Invite a batch of members who pass the criteria now, drawn at random, optionally per stratum (its team; counts only)',
          params: s.studyParams,
          body: s.inviteInput,
          response: { 201: s.invitationBatch },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await recruitment.invite(requireActor(request), request.params.studyId, request.body)),
    );
    app.get(
      '/api/v1/research/studies/:studyId/recruitment',
      {
        schema: {
          tags,
          summary:
            'The study’s invitation batches: invited, mailed, reminded, answered (counts; small ones withheld)',
          params: s.studyParams,
          response: { 200: s.recruitment },
        },
      },
      async (request) => ({
        batches: await recruitment.recruitment(requireActor(request), request.params.studyId),
      }),
    );
    app.get(
      '/api/v1/study-invitations/:token',
      {
        config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'The invitation behind a personal link (no sign-in needed)',
          params: s.tokenParams,
          response: { 200: s.invitation },
        },
      },
      async (request) => recruitment.byLink(request.params.token),
    );
    app.post(
      '/api/v1/study-invitations/:token/response',
      {
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Answer an invitation through its personal link: interested, or declined',
          params: s.tokenParams,
          body: s.answer,
          response: { 200: s.invitation },
        },
      },
      async (request) => recruitment.answerByLink(request.params.token, request.body.response),
    );
    app.get(
      '/api/v1/me/invitations',
      {
        schema: {
          tags,
          summary: 'My invitations to studies, newest first',
          response: { 200: s.invitations },
        },
      },
      async (request) => ({ invitations: await recruitment.mine(requireActor(request)) }),
    );
    app.post(
      '/api/v1/me/invitations/:studyId/response',
      {
        schema: {
          tags,
          summary: 'Answer my invitation to a study: interested, or declined',
          params: s.studyParams,
          body: s.answer,
          response: { 200: s.invitation },
        },
      },
      async (request) =>
        recruitment.answer(requireActor(request), request.params.studyId, request.body.response),
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
    app.get(
      '/api/v1/me/study-tasks',
      {
        schema: {
          tags,
          summary: 'My tasks in the studies I take part in: upcoming, open, done and missed',
          response: { 200: s.studyTasks },
        },
      },
      async (request) => ({ tasks: await tasks.mine(requireActor(request)) }),
    );
    app.post(
      '/api/v1/study-tasks/:token/opened',
      {
        schema: {
          tags,
          summary: 'The personal link of a task notification was opened (no sign-in needed)',
          params: s.taskTokenParams,
          response: { 200: s.openedTask },
        },
      },
      async (request) => tasks.opened(request.params.token),
    );
    app.get(
      '/api/v1/research/studies/:studyId/countersignatures',
      {
        schema: {
          tags,
          summary: 'Signatures awaiting the team’s countersignature, by pseudonym',
          params: s.studyParams,
          response: { 200: s.countersignatures },
        },
      },
      async (request) => ({
        awaiting: await research.awaitingCountersignature(requireActor(request), request.params.studyId),
      }),
    );
    app.post(
      '/api/v1/research/studies/:studyId/subjects/:pseudonym/countersignature',
      {
        schema: {
          tags,
          summary: 'Countersign a participant’s signature: they are enrolled from now on',
          params: s.subjectParams,
        },
      },
      async (request, reply) => {
        const { studyId, pseudonym } = request.params;
        await research.countersign(requireActor(request), studyId, pseudonym);
        return reply.status(204).send();
      },
    );
    app.get(
      '/api/v1/research/studies/:studyId/fhir',
      {
        schema: { tags, summary: 'The study as a FHIR R4 ResearchStudy', params: s.studyParams },
      },
      async (request, reply) => {
        const study = await research.get(requireActor(request), request.params.studyId);
        return reply.type(FHIR_JSON).send(JSON.stringify(toResearchStudy(study)));
      },
    );
    app.get(
      '/api/v1/research/studies/:studyId/fhir/subjects',
      {
        schema: {
          tags,
          summary: 'Those taking part, by pseudonym, as FHIR R4 ResearchSubjects in a searchset Bundle',
          params: s.studyParams,
        },
      },
      async (request, reply) => {
        const subjects = await research.subjects(requireActor(request), request.params.studyId);
        return reply
          .type(FHIR_JSON)
          .send(JSON.stringify(toResearchSubjects(request.params.studyId, subjects)));
      },
    );
    app.get(
      '/api/v1/research/studies/:studyId/monitoring',
      {
        schema: {
          tags,
          summary: 'How the schedule goes: per timepoint, adherence per participant, overdue, notifications',
          params: s.studyParams,
          response: { 200: s.monitoring },
        },
      },
      async (request) => tasks.monitoring(requireActor(request), request.params.studyId),
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
