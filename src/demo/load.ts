import { hash } from '@node-rs/argon2';
import { createCoachingSeeder } from '../modules/coaching/index.ts';
import { createConsentSeeder } from '../modules/consent/index.ts';
import { createIdentitySeeder } from '../modules/identity/index.ts';
import { createInsightsSeeder } from '../modules/insights/index.ts';
import { createMeasurementSeeder } from '../modules/measurements/index.ts';
import { createParticipantSeeder } from '../modules/participants/index.ts';
import { createQuestionnaireSeeder } from '../modules/questionnaires/index.ts';
import type { Database } from '../platform/db/index.ts';
import { createRandom, type Random } from '../science/index.ts';
import {
  addCitizen,
  type ChunkRows,
  type CitizenPlan,
  drawCgmEnd,
  drawDevice,
  emptyChunk,
  localDate,
  localMidnight,
} from './citizens.ts';
import type { DemoOptions } from './options.ts';
import { loadRegion, type Region, type SyntheticCitizen, synthesizeCitizen } from './population/index.ts';
import { DEMO_DOMAIN, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_STAFF } from './staff.ts';
import { createDemoStore, type DemoRun } from './store.ts';

/**
 * The generator builds every row consistent with the others (ids from the seed, the region's postcodes, the
 * current consent documents), and the tests check it: so the chunks skip the per-row foreign-key checks where
 * the database role allows (a quarter of a million-citizen load's time). None of the tables written has a
 * trigger on insert.
 */
const TRUSTED_ROWS = { skipForeignKeyChecks: true } as const;

/** The run name of the demo region in `demo_runs`. */
export const REGION_RUN = 'region';

export interface DemoProgress {
  citizens: number;
  total: number;
  /** Rows written so far across all tables. */
  rows: number;
  elapsedMs: number;
}

export interface DemoResult {
  /** `loaded` now, `resumed` after an interruption, or `present` when this demo was loaded before. */
  outcome: 'loaded' | 'resumed' | 'present';
  citizens: number;
  cgmWearers: number;
  rows: number;
  elapsedMs: number;
  /** The featured citizens who can sign in, with why they are interesting. */
  featured: FeaturedCitizen[];
}

export interface FeaturedCitizen {
  email: string;
  displayName: string;
  description: { nl: string; en: string };
}

export class DemoRefusedError extends Error {}
/** The load was stopped between chunks; what is stored stays, and the next load continues from there. */
export class DemoInterruptedError extends Error {}

const FEATURES = [
  {
    local: 'citizen',
    status: 'normal',
    diagnosed: false,
    coached: false,
    description: {
      nl: 'deelnemer zonder diabetes, met 14 dagen sensordata',
      en: 'member without diabetes, with 14 days of sensor data',
    },
  },
  {
    local: 'citizen.prediabetes',
    status: 'prediabetes',
    diagnosed: false,
    coached: true,
    description: {
      nl: 'deelnemer met prediabetes, met sensordata',
      en: 'member with prediabetes, with sensor data',
    },
  },
  {
    local: 'citizen.type2',
    status: 'type2',
    diagnosed: true,
    coached: true,
    description: {
      nl: 'deelnemer met diabetes type 2, met sensordata',
      en: 'member with type 2 diabetes, with sensor data',
    },
  },
] as const;

/** The first citizens of each featured kind who allow insights and research: they get a demo sign-in. */
function featuredIndexes(region: Region, seed: string, referenceTime: number, citizens: number) {
  const found = new Map<number, (typeof FEATURES)[number]>();
  for (const feature of FEATURES) {
    for (let index = 0; index < Math.min(citizens, 20_000); index++) {
      if (found.has(index)) continue;
      const c = synthesizeCitizen(region, { seed, referenceDate: referenceTime }, index);
      if (
        c.glycaemicStatus === feature.status &&
        c.diabetesDiagnosed === feature.diagnosed &&
        c.consents.personal_insights &&
        c.consents.research &&
        c.ageYears >= 35 &&
        c.ageYears <= 70
      ) {
        found.set(index, feature);
        break;
      }
    }
  }
  return found;
}

/**
 * Loads a synthetic region into the database: staff of every role, then the citizens in chunks, each chunk
 * in one transaction with the row that records it, so that an interrupted load resumes where it stopped
 * and writes nobody twice. Refuses a database with accounts of real people.
 */
export async function loadDemo(
  database: Database,
  options: DemoOptions,
  deps: {
    clock?: () => Date;
    onProgress?: (progress: DemoProgress) => void;
    /** Stops the load after the chunks in progress (Ctrl-C): run it again to continue. */
    signal?: AbortSignal;
  } = {},
): Promise<DemoResult> {
  checkOptions(options);
  const clock = deps.clock ?? (() => new Date());
  const started = Date.now();
  const store = createDemoStore(database.db);
  const identity = createIdentitySeeder(database.db);
  const region = loadRegion();

  let run = await store.run(REGION_RUN);
  let outcome: DemoResult['outcome'] = 'loaded';
  if (run) {
    if (
      run.seed !== options.seed ||
      run.citizens !== options.citizens ||
      run.cgmShare !== options.cgmShare ||
      run.cgmDays !== options.cgmDays
    ) {
      throw new DemoRefusedError(
        `This database holds another demo (seed ${run.seed}, ${run.citizens} citizens, CGM share ${run.cgmShare}, ${run.cgmDays} days): use --reset to replace it.`,
      );
    }
    outcome = run.finishedAt ? 'present' : 'resumed';
  } else {
    const census = await identity.census(DEMO_DOMAIN);
    if (census.others > 0) {
      throw new DemoRefusedError(
        `This database holds ${census.others} account(s) of real people: the demo is loaded only into an empty database.`,
      );
    }
  }
  const passwordHash = await hash(DEMO_PASSWORD, { algorithm: 2 });
  if (!run) {
    const referenceTime = new Date(Math.floor(clock().getTime() / 60_000) * 60_000);
    const chunkSize = options.chunkSize ?? Math.max(100, Math.min(2_000, Math.ceil(options.citizens / 8)));
    await database.bulk(async (session) => {
      const organisations = new Map<string, string>();
      for (const organisation of DEMO_ORGANISATIONS) {
        organisations.set(
          organisation.key,
          await identity.organisation(session, organisation.name, organisation.type),
        );
      }
      await identity.accounts(
        session,
        DEMO_STAFF.map((member) => ({
          id: member.id,
          email: member.email,
          displayName: member.displayName,
          locale: 'nl',
          passwordHash,
          createdAt: referenceTime,
          memberships: [
            {
              role: member.role,
              organisationId: member.organisation ? (organisations.get(member.organisation) ?? null) : null,
            },
          ],
        })),
      );
      await store.start(session, {
        name: REGION_RUN,
        seed: options.seed,
        citizens: options.citizens,
        cgmShare: options.cgmShare,
        cgmDays: options.cgmDays,
        referenceTime,
        chunkSize,
      });
    });
    run = (await store.run(REGION_RUN)) as DemoRun;
  }

  const referenceTime = run.referenceTime.getTime();
  const featured = featuredIndexes(region, run.seed, referenceTime, run.citizens);
  const featuredCitizens = featuredOf(region, run);
  const chunks = Math.ceil(run.citizens / run.chunkSize);
  let rows = 0;
  let wearers = 0;
  const root = createRandom(run.seed);
  const seeders = {
    participants: createParticipantSeeder(),
    consent: createConsentSeeder(),
    questionnaires: createQuestionnaireSeeder(),
    measurements: createMeasurementSeeder(database),
    insights: createInsightsSeeder(),
    coaching: createCoachingSeeder(),
  };
  const current = run;
  const pending = Array.from({ length: chunks }, (_, chunk) => chunk).filter(
    (c) => !current.chunksDone.has(c),
  );
  let citizensDone = Math.min(current.citizens, current.chunksDone.size * current.chunkSize);

  /** Generates one chunk's rows (CPU) and stores them in one transaction (the database). */
  async function storeChunk(chunk: number) {
    const first = chunk * current.chunkSize;
    const last = Math.min(current.citizens, first + current.chunkSize);
    const chunkRows = emptyChunk();
    for (let index = first; index < last; index++) {
      const citizen = synthesizeCitizen(region, { seed: current.seed, referenceDate: referenceTime }, index);
      const plan = planCitizen(
        citizen,
        root.derive('plan', index),
        featured.get(index),
        passwordHash,
        current,
        referenceTime,
      );
      if (plan.cgmEnd !== null) wearers++;
      addCitizen(chunkRows, plan, root.derive('records', index), current.cgmDays, referenceTime);
    }
    await database.bulk(async (session) => {
      await identity.accounts(session, chunkRows.accounts);
      await seeders.participants.participants(session, chunkRows.participants);
      await seeders.consent.decisions(session, chunkRows.decisions);
      await seeders.questionnaires.findrisc(session, chunkRows.findrisc);
      await seeders.measurements.observations(session, chunkRows.streams);
      await seeders.insights.summaries(session, chunkRows.traces, new Date(referenceTime));
      await seeders.coaching.caseloads(session, chunkRows.caseloads);
      await store.chunkStored(session, current.name, chunk);
    }, TRUSTED_ROWS);
    rows += countRows(chunkRows);
    citizensDone += last - first;
    deps.onProgress?.({
      citizens: citizensDone,
      total: current.citizens,
      rows,
      elapsedMs: Date.now() - started,
    });
  }

  // Two chunks at a time on a server: while one waits for the database, the other is generated. PGlite has
  // one connection, so there one after the other. The first failure stops both lanes; the load returns only
  // when the other lane's chunk is stored or rolled back, so that a resumed load never meets it half-done.
  const lanes = database.kind === 'postgres' ? 2 : 1;
  let next = 0;
  let failed = false;
  const outcomes = await Promise.allSettled(
    Array.from({ length: lanes }, async () => {
      while (!failed && next < pending.length) {
        // A turn of the event loop between chunks: PGlite answers without one, and a Ctrl-C (or a request)
        // would otherwise wait for the whole load.
        await new Promise((resolve) => setImmediate(resolve));
        // The other lane may have taken the last chunk meanwhile.
        if (deps.signal?.aborted || failed || next >= pending.length) break;
        const chunk = pending[next++] as number;
        try {
          await storeChunk(chunk);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  if (next < pending.length) {
    throw new DemoInterruptedError(
      `Stopped after ${citizensDone.toLocaleString('en-GB')} of ${current.citizens.toLocaleString('en-GB')} citizens; run the same command again to continue.`,
    );
  }
  if (!run.finishedAt) await store.finish(run.name, clock());
  return {
    outcome,
    citizens: run.citizens,
    cgmWearers: wearers,
    rows,
    elapsedMs: Date.now() - started,
    featured: featuredCitizens,
  };
}

/** The demo region's run in this database, if one was started, and its featured citizens. */
export async function demoStatus(
  database: Database,
): Promise<{ run: DemoRun; featured: FeaturedCitizen[] } | undefined> {
  const run = await createDemoStore(database.db).run(REGION_RUN);
  if (!run) return undefined;
  return { run, featured: featuredOf(loadRegion(), run) };
}

function featuredOf(region: Region, run: DemoRun): FeaturedCitizen[] {
  const referenceTime = run.referenceTime.getTime();
  return [...featuredIndexes(region, run.seed, referenceTime, run.citizens)].map(([index, feature]) => {
    const c = synthesizeCitizen(region, { seed: run.seed, referenceDate: referenceTime }, index);
    return {
      email: `${feature.local}@${DEMO_DOMAIN}`,
      displayName: `${c.givenName} ${c.familyName}`,
      description: feature.description,
    };
  });
}

function planCitizen(
  citizen: SyntheticCitizen,
  random: Random,
  feature: (typeof FEATURES)[number] | undefined,
  passwordHash: string,
  run: DemoRun,
  referenceTime: number,
): CitizenPlan {
  if (feature) {
    return {
      citizen,
      signIn: { email: `${feature.local}@${DEMO_DOMAIN}`, passwordHash },
      // Two of them have the demo coach and share with her, so that her caseload shows them.
      ...(feature.coached ? { consents: { coach_sharing: true } } : {}),
      // The sensor came off last midnight: the report shows the last fourteen whole days.
      cgmEnd: localMidnight(localDate(referenceTime)),
      device: drawDevice(random),
    };
  }
  const wears = random.chance(run.cgmShare);
  return {
    citizen,
    cgmEnd: wears ? drawCgmEnd(random, referenceTime) : null,
    device: wears ? drawDevice(random) : null,
  };
}

function countRows(rows: ChunkRows): number {
  let observations = 0;
  for (const stream of rows.streams) observations += stream.times.length + 1;
  return (
    rows.accounts.length * 2 +
    rows.participants.length +
    rows.decisions.length * 2 +
    rows.findrisc.length * 2 +
    observations +
    rows.traces.length * 2 +
    rows.caseloads.length
  );
}

function checkOptions(options: DemoOptions) {
  const problems: string[] = [];
  if (!Number.isInteger(options.citizens) || options.citizens < 1 || options.citizens > 5_000_000)
    problems.push('citizens must be a whole number from 1 to 5,000,000');
  if (!(options.cgmShare >= 0 && options.cgmShare <= 1))
    problems.push('the CGM share must be between 0 and 1');
  if (!Number.isInteger(options.cgmDays) || options.cgmDays < 1 || options.cgmDays > 90)
    problems.push('CGM days must be a whole number from 1 to 90');
  if (options.chunkSize !== undefined && (!Number.isInteger(options.chunkSize) || options.chunkSize < 1))
    problems.push('the chunk size must be a positive whole number');
  if (options.seed.length === 0 || options.seed.length > 100)
    problems.push('the seed must be 1 to 100 characters');
  if (problems.length > 0) throw new DemoRefusedError(`Demo options: ${problems.join('; ')}.`);
}
