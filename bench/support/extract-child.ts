/**
 * The extract benchmark's platform process (bench/research.ts): builds the app from the environment, starts the
 * extract of an approved request as the researcher, waits until the job has written it, and prints its figures as
 * JSON: participants, CSV rows and bytes, and the job's time from its start to its end.
 */
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

const [researcherId, requestId] = process.argv.slice(2);
if (!researcherId || !requestId) throw new Error('usage: extract-child.ts <researcher id> <request id>');

const app = await buildApp(loadConfig(), { webRoot: null, jobPollingSeconds: 0.5 });
try {
  const researcher = { accountId: researcherId, roles: ['researcher' as const], mfaVerified: true };
  let extract = await app.dataAccess.startExtract(researcher, requestId);
  while (extract.status === 'queued' || extract.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    extract = await app.dataAccess.extract(researcher, extract.id);
  }
  if (extract.status !== 'ready' || !extract.manifest)
    throw new Error(`extract ${extract.status}: ${extract.error}`);
  const csv = extract.manifest.files.filter((file) => file.name.endsWith('.csv') && file.rows !== undefined);
  const { rows } = await sql<{ seconds: number }>`
    SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM extracts WHERE id = ${extract.id}`.execute(
    app.database.db,
  );
  process.stdout.write(
    JSON.stringify({
      participants: extract.participants,
      rows: csv.reduce((sum, file) => sum + (file.rows ?? 0), 0),
      bytes: csv.reduce((sum, file) => sum + file.bytes, 0),
      seconds: rows[0]?.seconds,
    }),
  );
} finally {
  await app.close();
}
