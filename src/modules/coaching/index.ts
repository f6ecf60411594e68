import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor, RelationResolver } from '../../platform/access/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import { coachingRoutes } from './routes.ts';
import { createCoachingService } from './service.ts';
import { createCoachingStore } from './store.ts';

export { coachingRules } from './policy.ts';
export { type CoachingSeeder, createCoachingSeeder, type SeedCoaching } from './seed.ts';
export type { CaseloadMember, CoachingService } from './service.ts';

/**
 * The `caseload` relation of the access policy (built before the module): the subjects a coach coaches now.
 */
export function createCaseloadRelation(db: Db): RelationResolver {
  const store = createCoachingStore(db);
  return (actor, subjects) => store.inCaseload(actor.accountId, subjects);
}

/** The participant's coachings for their GDPR export. */
export function createCoachingExporter(db: Db) {
  const store = createCoachingStore(db);
  return async (participantId: string): Promise<TableExport[]> => [
    {
      table: 'caseloads',
      description: {
        nl: 'Welke leefstijlcoach u coachte of coacht, sinds wanneer en tot wanneer.',
        en: 'Which lifestyle coach coached or coaches you, since when and until when.',
      },
      rows: exportRows(
        (await store.coachingsOf(participantId)).map((row) => ({
          coach_id: row.coach_id,
          assigned_at: row.assigned_at,
          ended_at: row.ended_at,
        })),
      ),
    },
  ];
}

/** Erasure: deletes the participant's coachings; reports the rows removed. */
export function createCoachingEraser(db: Db) {
  const store = createCoachingStore(db);
  return (participantId: string) => store.erase(participantId);
}

/** Coaching: caseloads of lifestyle coaches, the relation through which coaches see what members share. */
export function createCoachingModule(deps: {
  db: Db;
  access: AccessPolicy;
  isMember: (participantId: string) => Promise<boolean>;
  isCoach: (accountId: string) => Promise<boolean>;
  displayNameOf: (accountId: string) => Promise<string | undefined>;
  sharing: (participantIds: string[]) => Promise<Set<string>>;
  requireActor: (request: FastifyRequest) => Actor;
  clock?: () => Date;
}) {
  const coaching = createCoachingService({
    store: createCoachingStore(deps.db),
    access: deps.access,
    clock: deps.clock ?? (() => new Date()),
    isMember: deps.isMember,
    isCoach: deps.isCoach,
    displayNameOf: deps.displayNameOf,
    sharing: deps.sharing,
  });
  return { service: coaching, routes: coachingRoutes({ coaching, requireActor: deps.requireActor }) };
}
