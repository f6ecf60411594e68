import type { MigrationSource } from './platform/db/index.ts';

/**
 * A folder of migrations by its place in src/. Named by path rather than taken from each module's index.ts:
 * importing every module only to find its folder made each command that migrates (`topfit import` too)
 * load the whole platform's code.
 */
const folder = (area: string): MigrationSource => ({
  module: area.slice(area.lastIndexOf('/') + 1),
  dir: new URL(`./${area}/migrations/`, import.meta.url),
});

/** Every module's migrations, in the order they must run: a module after those it refers to. */
export const migrationSources: MigrationSource[] = [
  folder('platform/audit'),
  folder('platform/mail'),
  folder('platform/changes'),
  folder('modules/identity'),
  folder('modules/participants'),
  folder('modules/consent'),
  folder('modules/questionnaires'),
  folder('modules/measurements'),
  folder('modules/insights'),
  folder('modules/coaching'),
  folder('modules/research'),
  folder('demo'),
];
