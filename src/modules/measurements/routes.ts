import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import { DomainError } from '../../platform/errors/index.ts';
import { fileSource } from './importers/file-source.ts';
import type { ImportRecord } from './model.ts';
import * as s from './schemas.ts';
import type { MeasurementService } from './service.ts';

const summaryView = ({
  participantId: _participant,
  firstTime,
  lastTime,
  startedAt,
  finishedAt,
  ...rest
}: ImportRecord) => ({
  ...rest,
  firstTime: firstTime?.toISOString() ?? null,
  lastTime: lastTime?.toISOString() ?? null,
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
});

const invalidUpload = (detail: string, pointer = '#/file') =>
  new DomainError('invalid_input', detail, [{ in: 'body', pointer, detail }]);

export function measurementRoutes(deps: {
  measurements: MeasurementService;
  requireActor: (request: FastifyRequest) => Actor;
  maxUploadBytes: number;
}) {
  const { measurements, requireActor } = deps;
  return async function register(root: FastifyInstance) {
    await root.register(fastifyMultipart, {
      limits: { files: 1, fields: 10, fileSize: deps.maxUploadBytes },
    });
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['measurements'];

    app.post(
      '/api/v1/me/measurements/imports',
      {
        schema: {
          tags,
          summary:
            'Import a file of measurements (LibreView, Dexcom Clarity, Nightscout, Apple Health, FHIR, Open mHealth, id/time/gl CSV)',
          description:
            'multipart/form-data: optional fields `format`, `dateOrder`, `timeZone` first, then the file in `file`. ' +
            'The file is streamed to disk and imported all or nothing; readings stored before are skipped.',
          consumes: ['multipart/form-data'],
          response: { 201: s.importSummary },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        if (!request.isMultipart())
          throw invalidUpload('Send the file as multipart/form-data in the field "file".');
        const folder = await mkdtemp(path.join(tmpdir(), 'topfit-upload-'));
        try {
          let upload: { name: string; file: string } | undefined;
          const fields: Record<string, string> = {};
          for await (const part of request.parts()) {
            if (part.type === 'field') {
              fields[part.fieldname] = String(part.value);
              continue;
            }
            if (part.fieldname !== 'file' || upload) {
              part.file.resume();
              throw invalidUpload('Send one file, in the field "file".');
            }
            const file = path.join(folder, 'upload');
            await pipeline(part.file, createWriteStream(file));
            if (part.file.truncated) {
              throw new DomainError(
                'invalid_input',
                `The file is larger than ${deps.maxUploadBytes} bytes.`,
                [{ in: 'body', pointer: '#/file', detail: `At most ${deps.maxUploadBytes} bytes.` }],
              );
            }
            upload = { name: path.basename(part.filename || 'upload'), file };
          }
          if (!upload) throw invalidUpload('No file: send it in the field "file".');
          const parsed = s.uploadFields.safeParse(fields);
          if (!parsed.success) {
            throw new DomainError(
              'invalid_input',
              'Some fields are invalid.',
              parsed.error.issues.map((issue) => ({
                in: 'body' as const,
                pointer: `#/${issue.path.join('/')}`,
                detail: issue.message,
              })),
            );
          }
          const { file, name } = upload;
          const size = (await stat(file)).size;
          const summary = await measurements.importFile(
            actor,
            actor.accountId,
            fileSource(file, size, name),
            parsed.data,
          );
          reply.code(201);
          return summaryView(summary);
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      },
    );

    app.post(
      '/api/v1/me/measurements',
      {
        schema: {
          tags,
          summary: 'Import a JSON batch of observations (apps and devices)',
          body: s.batchBody,
          response: { 201: s.importSummary },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const summary = await measurements.importBatch(
          actor,
          actor.accountId,
          request.body.observations as never,
        );
        reply.code(201);
        return summaryView(summary);
      },
    );

    app.post(
      '/api/v1/me/measurements/nightscout',
      {
        schema: {
          tags,
          summary: 'Pull my Nightscout site from where my stored Nightscout readings end, and import it',
          description:
            'The secret or token is used for this pull only and not kept. Sites at private-network addresses are refused unless the operator allows them.',
          body: s.nightscoutBody,
          response: { 201: s.importSummary },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const summary = await measurements.importNightscout(actor, actor.accountId, request.body);
        reply.code(201);
        return summaryView(summary);
      },
    );

    app.get(
      '/api/v1/me/measurements/imports',
      {
        schema: {
          tags,
          summary: 'My imports, newest first, with their summaries',
          response: { 200: s.importList },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return { imports: (await measurements.imports(actor, actor.accountId)).map(summaryView) };
      },
    );
  };
}
