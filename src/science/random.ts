/**
 * Seeded pseudo-random numbers for synthetic data: the same seed gives the same sequence on every machine
 * and runtime (server and browser), and a stream can be derived for any item by its index, so that item
 * `i` of a population is the same whether it is generated alone, in a chunk, or after a resumed run.
 *
 * Generator: SFC32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit variant, from the
 * PractRand suite; passes PractRand and BigCrush), seeded through SplitMix32-style mixing of the seed and
 * the stream labels. Not for secrets: use node:crypto for those.
 */

export interface Random {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A uniform number in [min, max). */
  uniform(min: number, max: number): number;
  /** A normally distributed number (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** A log-normal number whose logarithm has the given mean and sd. */
  logNormal(meanLog: number, sdLog: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An index drawn with probability proportional to its weight. @throws RangeError for no positive weight. */
  weighted(weights: readonly number[]): number;
  /** One of the items, uniformly. @throws RangeError for an empty list. */
  pick<T>(items: readonly T[]): T;
  /** An independent stream for a label or index: the same (seed, labels) always give the same stream. */
  derive(...labels: readonly (string | number)[]): Random;
}

const TWO_POW_32 = 4_294_967_296;

/** A 32-bit mix of a number into a state (Murmur3's finaliser constants). */
function mix(state: number, value: number): number {
  let h = (state ^ value) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixLabel(state: number, label: string | number): number {
  if (typeof label === 'number') {
    if (!Number.isFinite(label)) throw new RangeError(`Random: label must be finite, got ${label}`);
    // Two 32-bit halves so that indexes beyond 2^32 stay distinct.
    const high = Math.floor(label / TWO_POW_32);
    return mix(mix(state ^ 0x9e3779b9, label >>> 0), high >>> 0);
  }
  let h = mix(state, 0x27d4eb2f ^ label.length);
  for (let i = 0; i < label.length; i++) h = mix(h, label.charCodeAt(i));
  return h;
}

class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;
  private spareNormal: number | null = null;

  constructor(
    private readonly key: number,
    a: number,
    b: number,
    c: number,
  ) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    // Discard the first outputs: the state needs a few rounds to lose the structure of the seed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Random: int needs integers min ≤ max, got ${min}, ${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  normal(mean: number, sd: number): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return mean + sd * radius * Math.cos(angle);
  }

  logNormal(meanLog: number, sdLog: number): number {
    return Math.exp(this.normal(meanLog, sdLog));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) if (weight > 0) total += weight;
    if (!(total > 0)) throw new RangeError('Random: weighted needs at least one positive weight');
    let target = this.next() * total;
    let last = -1;
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] as number;
      if (!(weight > 0)) continue;
      last = i;
      target -= weight;
      if (target < 0) return i;
    }
    return last;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random: pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  derive(...labels: readonly (string | number)[]): Random {
    let key = this.key;
    for (const label of labels) key = mixLabel(key, label);
    return streamOf(key);
  }
}

function streamOf(key: number): Random {
  return new Sfc32(key, mix(key, 1), mix(key, 2), mix(key, 3));
}

/**
 * A seeded random stream. The seed is any integer or text ("demo-2026").
 * @throws RangeError for a non-finite number.
 */
export function createRandom(seed: number | string): Random {
  return streamOf(mixLabel(0x6a09e667, seed));
}
