import type { FastifyRequest } from 'fastify';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import type { Tasks } from '../../platform/tasks/index.ts';
import { receiptMail } from './mails.ts';
import { consentRoutes } from './routes.ts';
import { createConsentService } from './service.ts';
import { createConsentStore } from './store.ts';

export { consentBundle } from './fhir.ts';
export { consentRules } from './policy.ts';
export { type ConsentSeeder, createConsentSeeder, type SeedDecision } from './seed.ts';
export type { ConsentService } from './service.ts';

/**
 * The consent checker the access policy needs before the consent module exists (the policy is built
 * first, the module takes the policy): it reads the consent tables through the module's store.
 */
export { consentCounts, grantedConsents } from './store.ts';

export function createConsentChecker(db: Db) {
  const store = createConsentStore(db);
  return (purposeKey: string, participantIds: string[]) => store.consenting(purposeKey, participantIds);
}

/** The participant's consent data for their GDPR export. */
export function createConsentExporter(db: Db) {
  const store = createConsentStore(db);
  return async (participantId: string): Promise<TableExport[]> => {
    const [events, state] = await Promise.all([
      store.eventsOf(participantId),
      store.stateRowsOf(participantId),
    ]);
    return [
      {
        table: 'consent_events',
        description: {
          nl: 'Elke keuze die u maakte over toestemming, met de versie van de tekst.',
          en: 'Every consent choice you made, with the version of the text.',
        },
        rows: exportRows(events.map((e) => ({ ...e }))),
      },
      {
        table: 'consent_state',
        description: { nl: 'Uw laatste keuze per doel.', en: 'Your latest choice per purpose.' },
        rows: exportRows(state),
      },
    ];
  };
}

/** Erasure: deletes the participant's consent history and state; reports the rows per table. */
export function createConsentEraser(db: Db) {
  const store = createConsentStore(db);
  return (participantId: string) => store.erase(participantId);
}

/** Dynamic consent: the catalogue of purposes, versioned documents, decisions, receipts, FHIR export. */
export function createConsentModule(deps: {
  db: Db;
  access: AccessPolicy;
  audit: Audit;
  publicUrl: string;
  participantExists: (participantId: string) => Promise<boolean>;
  contactOf: (accountId: string) => Promise<{ email: string; locale: 'nl' | 'en' } | undefined>;
  mailer: Mailer;
  tasks: Tasks;
  requireActor: (request: FastifyRequest) => Actor;
  clock?: () => Date;
}) {
  const consent = createConsentService({
    store: createConsentStore(deps.db),
    access: deps.access,
    audit: deps.audit,
    clock: deps.clock ?? (() => new Date()),
    participantExists: deps.participantExists,
    sendReceipt: (receipt) =>
      deps.tasks.later('consent.receipt', async () => {
        const contact = await deps.contactOf(receipt.participantId);
        if (!contact) return;
        await deps.mailer.send(
          receiptMail(contact.email, contact.locale, receipt, `${deps.publicUrl}/consent`),
        );
      }),
  });
  return {
    service: consent,
    routes: consentRoutes({ consent, requireActor: deps.requireActor, publicUrl: deps.publicUrl }),
  };
}
