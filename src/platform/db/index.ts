export {
  type BulkOptions,
  type BulkSession,
  copyField,
  copyRow,
  type Database,
  type DatabaseTarget,
  type Db,
  openDatabase,
} from './database.ts';
export { type MigrationReport, type MigrationSource, migrate } from './migrate.ts';
