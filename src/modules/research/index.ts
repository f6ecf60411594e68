import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor, RelationResolver } from '../../platform/access/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import { createSecretBox } from '../../platform/secrets/index.ts';
import { type GlucoseReportReader, researchRoutes } from './routes.ts';
import { createResearchService } from './service.ts';
import { createResearchStore } from './store.ts';

export { researchRules } from './policy.ts';
export type { ResearchService, StudyForParticipant, StudySubject } from './service.ts';

export const researchMigrations = { module: 'research', dir: new URL('./migrations/', import.meta.url) };

/**
 * The `study` relation of the access policy (built before the module): the subjects taking part (enrolled,
 * or completed) in a study whose team the actor is on.
 */
export function createStudyRelation(db: Db): RelationResolver {
  const store = createResearchStore(db);
  return (actor, subjects) => store.inStudiesOf(actor.accountId, subjects);
}

/** The participant's studies (status and signed consent) for their GDPR export. */
export function createResearchExporter(db: Db) {
  const store = createResearchStore(db);
  return async (participantId: string): Promise<TableExport[]> => [
    {
      table: 'study_participants',
      description: {
        nl: 'De studies waaraan u meedoet of meedeed: uw status, en de versie en vingerafdruk (SHA-256) van de toestemming die u ondertekende.',
        en: 'The studies you take or took part in: your status, and the version and fingerprint (SHA-256) of the consent you signed.',
      },
      rows: exportRows(
        (await store.participationsOf(participantId)).map((row) => ({
          study_id: row.study_id,
          status: row.status,
          consent_version: row.consent_version,
          consent_sha256: row.consent_sha256,
          signed_at: row.signed_at,
          withdrawn_at: row.withdrawn_at,
        })),
      ),
    },
  ];
}

/** Erasure: deletes the participant's study participations; reports the rows removed. */
export function createResearchEraser(db: Db) {
  const store = createResearchStore(db);
  return (participantId: string) => store.erase(participantId);
}

/** Research on the panel: studies, their teams, e-consent enrolment, and the `study` relation. */
export function createResearchModule(deps: {
  db: Db;
  access: AccessPolicy;
  /** The platform secret: the studies' pseudonym keys are sealed under a key derived from it. */
  secret: string;
  isMember: (participantId: string) => Promise<boolean>;
  isResearcher: (accountId: string) => Promise<boolean>;
  smallCellMinimum: number;
  glucoseReport: GlucoseReportReader;
  requireActor: (request: FastifyRequest) => Actor;
  clock?: () => Date;
}) {
  const research = createResearchService({
    store: createResearchStore(deps.db),
    access: deps.access,
    keys: createSecretBox(deps.secret, 'study-pseudonym-keys'),
    clock: deps.clock ?? (() => new Date()),
    isMember: deps.isMember,
    isResearcher: deps.isResearcher,
    smallCellMinimum: deps.smallCellMinimum,
  });
  return {
    service: research,
    routes: researchRoutes({ research, glucoseReport: deps.glucoseReport, requireActor: deps.requireActor }),
  };
}
