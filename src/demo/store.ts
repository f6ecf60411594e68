import type { Selectable } from 'kysely';
import type { BulkSession, Db } from '../platform/db/index.ts';

type Tables = {
  demo_runs: {
    name: string;
    seed: string;
    citizens: number;
    cgm_share: number;
    cgm_days: number;
    reference_time: Date;
    chunk_size: number;
    chunks_done: number;
    started_at: Date;
    finished_at: Date | null;
  };
};

export type DemoRunRow = Selectable<Tables['demo_runs']>;

export interface DemoRun {
  name: string;
  seed: string;
  citizens: number;
  cgmShare: number;
  cgmDays: number;
  referenceTime: Date;
  chunkSize: number;
  chunksDone: number;
  finishedAt: Date | null;
}

const toRun = (row: DemoRunRow): DemoRun => ({
  name: row.name,
  seed: row.seed,
  citizens: row.citizens,
  cgmShare: row.cgm_share,
  cgmDays: row.cgm_days,
  referenceTime: row.reference_time,
  chunkSize: row.chunk_size,
  chunksDone: row.chunks_done,
  finishedAt: row.finished_at,
});

export function createDemoStore(base: Db) {
  const db = base.withTables<Tables>();
  return {
    async run(name: string): Promise<DemoRun | undefined> {
      const row = await db.selectFrom('demo_runs').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toRun(row);
    },
    /** Records a new run, in the transaction that writes its staff. */
    async start(session: BulkSession, run: Omit<DemoRun, 'chunksDone' | 'finishedAt'>): Promise<void> {
      await session.query(
        `INSERT INTO demo_runs (name, seed, citizens, cgm_share, cgm_days, reference_time, chunk_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [run.name, run.seed, run.citizens, run.cgmShare, run.cgmDays, run.referenceTime, run.chunkSize],
      );
    },
    /** Marks a chunk stored, in the transaction that stored it; fails unless it was the next one. */
    async chunkStored(session: BulkSession, name: string, chunk: number): Promise<void> {
      const { rowCount } = await session.query(
        'UPDATE demo_runs SET chunks_done = chunks_done + 1 WHERE name = $1 AND chunks_done = $2',
        [name, chunk],
      );
      if (rowCount !== 1) throw new Error(`Demo chunk ${chunk} of ${name} was stored by another load`);
    },
    async finish(name: string, at: Date): Promise<void> {
      await db.updateTable('demo_runs').set({ finished_at: at }).where('name', '=', name).execute();
    },
  };
}

export type DemoStore = ReturnType<typeof createDemoStore>;
