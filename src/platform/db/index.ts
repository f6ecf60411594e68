export { copyField, copyRow } from './copy-text.ts';
export {
  type BulkOptions,
  type BulkSession,
  type Database,
  type DatabaseTarget,
  type Db,
  openDatabase,
} from './database.ts';
export { type MigrationReport, type MigrationSource, migrate } from './migrate.ts';
