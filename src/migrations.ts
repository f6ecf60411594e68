import { demoMigrations } from './demo/index.ts';
import { coachingMigrations } from './modules/coaching/index.ts';
import { consentMigrations } from './modules/consent/index.ts';
import { identityMigrations } from './modules/identity/index.ts';
import { insightsMigrations } from './modules/insights/index.ts';
import { measurementMigrations } from './modules/measurements/index.ts';
import { participantsMigrations } from './modules/participants/index.ts';
import { questionnaireMigrations } from './modules/questionnaires/index.ts';
import { researchMigrations } from './modules/research/index.ts';
import { auditMigrations } from './platform/audit/index.ts';
import type { MigrationSource } from './platform/db/index.ts';
import { mailMigrations } from './platform/mail/index.ts';

/** Every module's migrations, in the order they must run: a module after those it refers to. */
export const migrationSources: MigrationSource[] = [
  auditMigrations,
  mailMigrations,
  identityMigrations,
  participantsMigrations,
  consentMigrations,
  questionnaireMigrations,
  measurementMigrations,
  insightsMigrations,
  coachingMigrations,
  researchMigrations,
  demoMigrations,
];
