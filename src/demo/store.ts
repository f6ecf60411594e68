import type { Selectable } from 'kysely';
import type { BulkSession, Db } from '../platform/db/index.ts';

type Tables = {
  demo_run_chunks: { name: string; chunk: number };
  demo_runs: {
    name: string;
    seed: string;
    citizens: number;
    cgm_share: number;
    cgm_days: number;
    reference_time: Date;
    chunk_size: number;
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
  /** The chunks stored so far, in any order. */
  chunksDone: Set<number>;
  finishedAt: Date | null;
}

const toRun = (row: DemoRunRow, chunks: number[]): DemoRun => ({
  name: row.name,
  seed: row.seed,
  citizens: row.citizens,
  cgmShare: row.cgm_share,
  cgmDays: row.cgm_days,
  referenceTime: row.reference_time,
  chunkSize: row.chunk_size,
  chunksDone: new Set(chunks),
  finishedAt: row.finished_at,
});

export function createDemoStore(base: Db) {
  const db = base.withTables<Tables>();
  return {
    async run(name: string): Promise<DemoRun | undefined> {
      const row = await db.selectFrom('demo_runs').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) return undefined;
      const chunks = await db
        .selectFrom('demo_run_chunks')
        .select('chunk')
        .where('name', '=', name)
        .execute();
      return toRun(
        row,
        chunks.map((c) => c.chunk),
      );
    },
    /** Records a new run, in the transaction that writes its staff. */
    async start(session: BulkSession, run: Omit<DemoRun, 'chunksDone' | 'finishedAt'>): Promise<void> {
      await session.query(
        `INSERT INTO demo_runs (name, seed, citizens, cgm_share, cgm_days, reference_time, chunk_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [run.name, run.seed, run.citizens, run.cgmShare, run.cgmDays, run.referenceTime, run.chunkSize],
      );
    },
    /** Marks a chunk stored, in the transaction that stored it; fails when another load stored it already. */
    async chunkStored(session: BulkSession, name: string, chunk: number): Promise<void> {
      await session.query('INSERT INTO demo_run_chunks (name, chunk) VALUES ($1, $2)', [name, chunk]);
    },
    async finish(name: string, at: Date): Promise<void> {
      await db.updateTable('demo_runs').set({ finished_at: at }).where('name', '=', name).execute();
    },
  };
}

export type DemoStore = ReturnType<typeof createDemoStore>;
