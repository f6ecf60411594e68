import type { QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import { notFound } from '../../platform/errors/index.ts';
import { isRiskModel, toQuestionnaire, toRiskAssessment } from './fhir.ts';
import type { QuestionnaireRecord, ResponseRecord } from './model.ts';
import * as s from './schemas.ts';
import type { QuestionnaireService } from './service.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const responseView = ({ items, participantId: _participant, ...rest }: ResponseRecord) => ({
  ...rest,
  item: items as unknown as Record<string, unknown>[],
});

const questionnaireView = (record: QuestionnaireRecord) => ({
  ...record,
  resource: toQuestionnaire(record) as unknown as Record<string, unknown>,
});

const asItems = (item: { linkId: string }[]) => item as QuestionnaireResponseItem[];

export function questionnaireRoutes(deps: {
  questionnaires: QuestionnaireService;
  requireActor: (request: FastifyRequest) => Actor;
}) {
  const { questionnaires, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['questionnaires'];

    app.get(
      '/api/v1/questionnaires',
      {
        schema: {
          tags,
          summary: 'Questionnaires in use (authors: every version with ?all=true)',
          querystring: s.listQuery,
          response: { 200: s.questionnaireList },
        },
      },
      async (request) => ({
        questionnaires: await questionnaires.list(requireActor(request), {
          all: request.query.all === 'true',
        }),
      }),
    );
    app.get(
      '/api/v1/questionnaires/:id',
      {
        schema: {
          tags,
          summary: 'One questionnaire version',
          params: s.idParams,
          response: { 200: s.questionnaireAnswer },
        },
      },
      async (request) => {
        const record = await questionnaires.get(requireActor(request), request.params.id);
        return questionnaireView(record);
      },
    );
    app.get(
      '/api/v1/questionnaires/:id/fhir',
      { schema: { tags, summary: 'Export as a FHIR R4 Questionnaire (JSON)', params: s.idParams } },
      async (request, reply) => {
        const resource = await questionnaires.exportFhir(requireActor(request), request.params.id);
        const file = `${resource.name ?? 'questionnaire'}-v${resource.version}.json`.replace(/[^\w.-]/g, '_');
        return reply
          .type(FHIR_JSON)
          .header('content-disposition', `attachment; filename="${file}"`)
          .send(JSON.stringify(resource, null, 2));
      },
    );
    app.post(
      '/api/v1/questionnaires',
      {
        schema: {
          tags,
          summary: 'Import a FHIR R4 Questionnaire as a new draft version',
          body: s.importJsonBody,
          response: { 201: s.questionnaireAnswer },
        },
      },
      async (request, reply) => {
        const record = await questionnaires.importJson(requireActor(request), request.body);
        return reply.status(201).send(questionnaireView(record));
      },
    );
    app.post(
      '/api/v1/questionnaires/redcap',
      {
        schema: {
          tags,
          summary: 'Import a REDCap data dictionary as a new draft questionnaire',
          body: s.importRedcapBody,
          response: { 201: s.redcapAnswer },
        },
      },
      async (request, reply) => {
        const { questionnaire, warnings } = await questionnaires.importRedcap(
          requireActor(request),
          request.body,
        );
        return reply.status(201).send({
          questionnaire: questionnaireView(questionnaire),
          warnings,
        });
      },
    );
    app.put(
      '/api/v1/questionnaires/:id',
      {
        schema: {
          tags,
          summary: 'Change a draft (versions in use are never changed)',
          params: s.idParams,
          body: s.importJsonBody,
          response: { 200: s.questionnaireAnswer },
        },
      },
      async (request) => {
        const record = await questionnaires.replaceDraft(
          requireActor(request),
          request.params.id,
          request.body,
        );
        return questionnaireView(record);
      },
    );
    app.post(
      '/api/v1/questionnaires/:id/activate',
      {
        schema: {
          tags,
          summary: 'Put this version in use (the one in use before is retired)',
          params: s.idParams,
          body: s.activateBody,
          response: { 200: s.questionnaireAnswer },
        },
      },
      async (request) => {
        const record = await questionnaires.activate(
          requireActor(request),
          request.params.id,
          request.body.repeatMonths,
        );
        return questionnaireView(record);
      },
    );
    app.post(
      '/api/v1/questionnaires/:id/retire',
      {
        schema: {
          tags,
          summary: 'Stop using this version',
          params: s.idParams,
          response: { 200: s.questionnaireAnswer },
        },
      },
      async (request) => {
        const record = await questionnaires.retire(requireActor(request), request.params.id);
        return questionnaireView(record);
      },
    );

    app.get(
      '/api/v1/me/questionnaires',
      {
        schema: {
          tags,
          summary: 'My questionnaires: new, draft, done or due again',
          response: { 200: s.taskList },
        },
      },
      async (request) => ({ tasks: await questionnaires.tasks(requireActor(request)) }),
    );
    app.get(
      '/api/v1/me/questionnaires/:id/draft',
      {
        schema: {
          tags,
          summary: 'My saved draft of a questionnaire',
          params: s.idParams,
          response: { 200: s.responseAnswer },
        },
      },
      async (request) => responseView(await questionnaires.draft(requireActor(request), request.params.id)),
    );
    app.put(
      '/api/v1/me/questionnaires/:id/draft',
      {
        schema: {
          tags,
          summary: 'Save my answers so far',
          params: s.idParams,
          body: s.itemsBody,
          response: { 200: s.responseAnswer },
        },
      },
      async (request) =>
        responseView(
          await questionnaires.saveDraft(
            requireActor(request),
            request.params.id,
            asItems(request.body.item),
          ),
        ),
    );
    app.delete(
      '/api/v1/me/questionnaires/:id/draft',
      { schema: { tags, summary: 'Discard my saved draft', params: s.idParams } },
      async (request, reply) => {
        await questionnaires.discardDraft(requireActor(request), request.params.id);
        return reply.status(204).send();
      },
    );
    app.post(
      '/api/v1/me/questionnaires/:id/responses',
      {
        schema: {
          tags,
          summary: 'Submit my answers (checked, stored, and scored when I allow personal insights)',
          params: s.idParams,
          body: s.itemsBody,
          response: { 201: s.submitAnswer },
        },
      },
      async (request, reply) => {
        const result = await questionnaires.submit(
          requireActor(request),
          request.params.id,
          asItems(request.body.item),
        );
        return reply.status(201).send({ ...result, response: responseView(result.response) });
      },
    );
    app.get(
      '/api/v1/me/responses',
      { schema: { tags, summary: 'My completed questionnaires', response: { 200: s.responseList } } },
      async (request) => ({
        responses: (await questionnaires.responses(requireActor(request))).map((entry) => ({
          questionnaire: entry.questionnaire,
          response: responseView(entry.response),
        })),
      }),
    );
    app.get(
      '/api/v1/me/responses/:id',
      {
        schema: {
          tags,
          summary: 'One of my responses, with the questionnaire version it answered',
          params: s.idParams,
          response: { 200: s.responseDetail },
        },
      },
      async (request) => {
        const { response, questionnaire } = await questionnaires.response(
          requireActor(request),
          request.params.id,
        );
        return {
          response: responseView(response),
          questionnaire: questionnaireView(questionnaire),
        };
      },
    );
    app.get(
      '/api/v1/me/responses/:id/fhir',
      {
        schema: {
          tags,
          summary: 'One of my responses as a FHIR R4 QuestionnaireResponse',
          params: s.idParams,
        },
      },
      async (request, reply) => {
        const { fhir } = await questionnaires.response(requireActor(request), request.params.id);
        return reply.type(FHIR_JSON).send(JSON.stringify(fhir, null, 2));
      },
    );
    app.post(
      '/api/v1/me/responses/:id/score',
      {
        schema: {
          tags,
          summary: 'Compute the result of a response given while personal insights were off',
          params: s.idParams,
          response: { 200: s.scoreAnswer },
        },
      },
      async (request) => questionnaires.scoreEarlierResponse(requireActor(request), request.params.id),
    );
    app.get(
      '/api/v1/me/scores',
      {
        schema: {
          tags,
          summary: 'My results (risk scores …), newest first; only while personal insights are on',
          querystring: s.scoresQuery,
          response: { 200: s.scoreList },
        },
      },
      async (request) => ({
        scores: await questionnaires.scores(requireActor(request), request.query.model),
      }),
    );
    app.get(
      '/api/v1/me/scores/:id/fhir',
      { schema: { tags, summary: 'A risk score as a FHIR R4 RiskAssessment', params: s.idParams } },
      async (request, reply) => {
        const score = await questionnaires.score(requireActor(request), request.params.id);
        if (!isRiskModel(score.model)) throw notFound('A risk assessment');
        return reply.type(FHIR_JSON).send(JSON.stringify(toRiskAssessment(score), null, 2));
      },
    );
  };
}
