/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32). Every random choice the
 * generator makes goes through one of these, so the same options always give the same bytes.
 * Independent parts of the generator draw from separate streams, so that changing how many
 * numbers one part consumes does not shift the others.
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare = Number.NaN;

  /** `seed` is any safe non-negative integer; `stream` names an independent sequence. */
  constructor(seed: number, stream: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    const state = { value: low ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35) };

    this.#s0 = splitmix32(state);
    this.#s1 = splitmix32(state);
    this.#s2 = splitmix32(state);
    this.#s3 = splitmix32(state);

    // An all-zero state would repeat zeros forever; splitmix32 makes it unlikely, not impossible.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;

    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max], both ends included. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** Standard normal variate (Box-Muller; the second value of each pair is kept for later). */
  normal(): number {
    const spare = this.#spare;
    if (!Number.isNaN(spare)) {
      this.#spare = Number.NaN;
      return spare;
    }

    const radius = Math.sqrt(-2 * Math.log(1 - this.float()));
    const angle = 2 * Math.PI * this.float();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Index drawn from a cumulative weight table whose last entry is the total. */
  pick(cumulative: Float64Array): number {
    const target = this.float() * (cumulative[cumulative.length - 1] ?? 0);
    let index = 0;
    while (index < cumulative.length - 1 && (cumulative[index] ?? 0) <= target) index++;
    return index;
  }

  /** The numbers 0..count-1 in random order. */
  permutation(count: number): Int32Array {
    const values = new Int32Array(count);
    for (let index = 0; index < count; index++) values[index] = index;
    return this.shuffle(values);
  }

  /** Shuffles in place (Fisher-Yates). */
  shuffle<T extends { [index: number]: number; length: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const held = values[i] as number;
      values[i] = values[j] as number;
      values[j] = held;
    }
    return values;
  }
}

/** Turns a list of weights into the cumulative table `Rng.pick` reads. */
export function cumulative(weights: readonly number[]): Float64Array {
  const table = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((weight, index) => {
    sum += weight;
    table[index] = sum;
  });
  return table;
}

function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
