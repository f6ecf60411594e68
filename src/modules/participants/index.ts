import type { Bundle, Consent, Resource } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { ParticipantExporter } from '../../platform/export/index.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { ConsentService } from '../consent/index.ts';
import { participantRoutes } from './routes.ts';
import { createParticipantsService } from './service.ts';
import { createParticipantsStore } from './store.ts';

export { EDUCATION_LEVELS, type EducationLevel, SEXES_AT_BIRTH, type SexAtBirth } from './model.ts';
export { participantRules } from './policy.ts';
export { createParticipantSeeder, type ParticipantSeeder, type SeedParticipant } from './seed.ts';
export { ERASE_QUEUE } from './service.ts';
export { memberFacts } from './store.ts';

/** Whether an id is a member of the Citizen Lab: for modules that must only act on participants. */
export function createParticipantCheck(db: Db) {
  const store = createParticipantsStore(db);
  return (participantId: string) => store.exists(participantId);
}

/**
 * Membership facts for other modules: whether someone is a member now (joined and not left), whether they
 * want e-mail from the Citizen Lab, and their time zone.
 */
export function createMembership(db: Db) {
  const store = createParticipantsStore(db);
  return {
    isMember: async (participantId: string) => (await store.activeMember(participantId)) !== undefined,
    wantsMail: async (participantId: string) =>
      (await store.activeMember(participantId))?.contact_preference === 'email',
    /** The member's time zone (IANA), for local times in their files and reports; undefined for a non-member. */
    timeZone: async (participantId: string) => (await store.activeMember(participantId))?.time_zone,
    /** The time zones of those of the participants who are members. */
    timeZones: async (participantIds: string[]) =>
      new Map((await store.timeZones(participantIds)).map((row) => [row.participant_id, row.time_zone])),
  };
}

/** Erasure: deletes the participant's Citizen Lab profile. */
export function createParticipantEraser(db: Db) {
  const store = createParticipantsStore(db);
  return (participantId: string) => store.erase(participantId);
}

/** The Citizen Lab panel: region, joining, the participant's profile. */
export function createParticipantsModule(deps: {
  db: Db;
  access: AccessPolicy;
  audit: Audit;
  consent: Pick<ConsentService, 'decide' | 'catalogue' | 'effectiveCounts'>;
  findAccounts: (
    query: string,
    limit: number,
  ) => Promise<{ id: string; email: string; displayName: string }[]>;
  exporters: ParticipantExporter[];
  consentBundle: (actor: Actor) => Promise<Bundle<Consent>>;
  fhirExporters: ((participantId: string) => Promise<Resource[]>)[];
  jobs: Pick<Jobs, 'send'>;
  endSessions: (accountId: string) => Promise<void>;
  erasers: ((participantId: string) => Promise<{ table: string; removed: number }[]>)[];
  requireActor: (request: FastifyRequest) => Actor;
  smallCellMinimum: number;
  clock?: () => Date;
}) {
  const participants = createParticipantsService({
    store: createParticipantsStore(deps.db),
    access: deps.access,
    audit: deps.audit,
    consent: deps.consent,
    findAccounts: deps.findAccounts,
    exporters: deps.exporters,
    consentBundle: deps.consentBundle,
    fhirExporters: deps.fhirExporters,
    jobs: deps.jobs,
    endSessions: deps.endSessions,
    erasers: deps.erasers,
    clock: deps.clock ?? (() => new Date()),
    smallCellMinimum: deps.smallCellMinimum,
  });
  return {
    service: participants,
    routes: participantRoutes({ participants, requireActor: deps.requireActor }),
  };
}
