import PgBoss from 'pg-boss';
import type { Database } from '../db/index.ts';

export interface JobLogger {
  error(obj: object, msg: string): void;
}

/** A durable queue: its jobs are rows in PostgreSQL, so they survive a restart and run once. */
export interface Jobs {
  /**
   * Adds a job; a job with the same key that is still waiting or running is not added twice. `startAfterSeconds`
   * holds it back that long (a rate-limited job continuing later).
   */
  send<T extends object>(
    queue: string,
    data: T,
    options?: { key?: string; startAfterSeconds?: number },
  ): Promise<string | null>;
  /** Handles a queue's jobs in this process, one at a time, retried on failure. */
  work<T extends object>(queue: string, handler: (data: T) => Promise<object | undefined>): Promise<void>;
  /**
   * Handles a queue's jobs in this process up to `batchSize` at a time, in one call; a failure fails (and
   * retries) the whole batch, so the handler must be safe to repeat.
   */
  workInBatches<T extends object>(
    queue: string,
    batchSize: number,
    handler: (data: T[]) => Promise<void>,
  ): Promise<void>;
  /** Adds a queue's job on a cron schedule (UTC); pg-boss makes it once across all processes. */
  schedule(queue: string, cron: string): Promise<void>;
  /** The state and output of a job. */
  find(queue: string, id: string): Promise<{ state: string; output: unknown } | null>;
  stop(): Promise<void>;
}

/** pg-boss on the platform's own database (embedded or server): no extra infrastructure. */
export async function createJobs(database: Database, logger: JobLogger, pollingSeconds = 2): Promise<Jobs> {
  const boss = new PgBoss({
    ...('connectionString' in database.jobConnection
      ? { connectionString: database.jobConnection.connectionString, max: 3 }
      : { db: database.jobConnection }),
    schema: 'pgboss',
    // pg-boss's maintenance (archiving, expiring) polls; a minute is plenty for this platform's jobs.
    maintenanceIntervalSeconds: 60,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  await boss.start();
  const queues = new Set<string>();
  const ensureQueue = async (queue: string) => {
    if (queues.has(queue)) return;
    await boss.createQueue(queue, {
      name: queue,
      policy: 'standard',
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
    });
    queues.add(queue);
  };
  return {
    async send(queue, data, options) {
      await ensureQueue(queue);
      return boss.send(queue, data, {
        ...(options?.key ? { singletonKey: options.key } : {}),
        ...(options?.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      });
    },
    async work(queue, handler) {
      await ensureQueue(queue);
      await boss.work(queue, { pollingIntervalSeconds: pollingSeconds }, async (jobs) => {
        const results = [];
        for (const job of jobs) results.push(await handler(job.data as never));
        return results[0];
      });
    },
    async workInBatches(queue, batchSize, handler) {
      await ensureQueue(queue);
      await boss.work(queue, { pollingIntervalSeconds: pollingSeconds, batchSize }, async (jobs) => {
        await handler(jobs.map((job) => job.data as never));
      });
    },
    async schedule(queue, cron) {
      await ensureQueue(queue);
      await boss.schedule(queue, cron, {}, { tz: 'UTC' });
    },
    async find(queue, id) {
      const job = await boss.getJobById(queue, id, { includeArchive: true });
      return job ? { state: job.state, output: job.output } : null;
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
