// SPEC §7: a synthetic row is x + g·(x_nn − x) with g uniform in [0, 1) over the scaled
// columns; unscaled columns take x's value when g < 0.5, else x_nn's: never a fraction.
// Results depend only on the data, the options and the seed, not on chunking.
import { describe, expect, it } from 'vitest';

import { nearestNeighbours } from '../../src/resample/knn.js';
import { hash32, uniform } from '../../src/resample/random.js';
import { synthesize, type SmoteInput } from '../../src/resample/smote.js';
import { uniform as writtenOut } from '../reference/random.js';

// Six minority rows, five columns: scaled, scaled, a code, a flag, scaled.
const WIDTH = 5;
const SCALED = Uint8Array.from([1, 1, 0, 0, 1]);
const ROWS = [
  [0.0, 1.0, 3, 0, -1.0],
  [0.5, 1.5, 7, 1, -0.5],
  [0.5, 1.5, 2, 0, -0.5], // same scaled values as row 1: a neighbour at distance 0
  [2.0, -1.0, 4, 1, 0.25],
  [-1.5, 0.0, 9, 0, 3.0],
  [1.0, 1.0, 5, 1, 1.0],
];
const M = ROWS.length;
const K = 3;

function input(seed: number): SmoteInput {
  const rows = Float64Array.from(ROWS.flat());
  const scaledCols = [0, 1, 4];
  const points = Float64Array.from(ROWS.flatMap((r) => scaledCols.map((j) => r[j]!)));
  const neighbours = new Int32Array(M * K);
  nearestNeighbours(points, M, scaledCols.length, K, neighbours, 0, M);
  return { rows, m: M, width: WIDTH, scaled: SCALED, neighbours, k: K, seed };
}

/** Runs synthesize over [from, to) pieces into a column-major matrix pre-filled with NaN. */
function run(inp: SmoteInput, count: number, offset: number, cuts: number[] = []) {
  const outRows = offset + count + 2;
  const out = new Float64Array(outRows * WIDTH).fill(NaN);
  const bounds = [0, ...cuts, count];
  for (let p = 0; p + 1 < bounds.length; p++) {
    synthesize(inp, out, outRows, offset, bounds[p]!, bounds[p + 1]!);
  }
  const row = (s: number) =>
    Array.from({ length: WIDTH }, (_, j) => out[j * outRows + offset + s]!);
  return { out, outRows, row };
}

interface Explanation {
  base: number;
  nn: number;
  /** null when base and neighbour share every scaled value, so g cannot be read back. */
  g: number | null;
}

/** The (base, neighbour, g) triples that put a synthetic row on a segment (SPEC §7). */
function explanations(inp: SmoteInput, v: number[]): Explanation[] {
  const found: Explanation[] = [];
  for (let base = 0; base < M; base++) {
    for (let t = 0; t < K; t++) {
      const nn = inp.neighbours[base * K + t]!;
      const a = ROWS[base]!;
      const b = ROWS[nn]!;
      const j0 = [0, 1, 4].find((j) => a[j] !== b[j]);
      const g = j0 === undefined ? null : (v[j0]! - a[j0]!) / (b[j0]! - a[j0]!);
      if (g !== null && !(g >= -1e-12 && g < 1)) continue;
      const onSegment = [0, 1, 4].every(
        (j) => Math.abs(a[j]! + (g ?? 0) * (b[j]! - a[j]!) - v[j]!) < 1e-12,
      );
      const codes = [2, 3].every((j) => v[j] === a[j] || v[j] === b[j]);
      if (onSegment && codes) found.push({ base, nn, g });
    }
  }
  return found;
}

/** True when the unscaled columns come whole from the end g points to. */
function codesFromOneEnd(v: number[], { base, nn, g }: Explanation): boolean {
  const from = (end: number) => [2, 3].every((j) => v[j] === ROWS[end]![j]);
  if (g === null || Math.abs(g - 0.5) < 1e-9) return from(base) || from(nn);
  return from(g < 0.5 ? base : nn);
}

describe('synthesize', () => {
  const inp = input(42);
  const COUNT = 400;
  const { row } = run(inp, COUNT, 7);

  it('puts every synthetic row on a segment from a base to one of its k neighbours', () => {
    const unexplained: number[] = [];
    for (let s = 0; s < COUNT; s++) if (explanations(inp, row(s)).length === 0) unexplained.push(s);
    expect(unexplained).toEqual([]);
  });

  it('copies unscaled columns whole from one end, never a fraction', () => {
    const bad: number[] = [];
    for (let s = 0; s < COUNT; s++) {
      const v = row(s);
      if (!Number.isInteger(v[2]) || (v[3] !== 0 && v[3] !== 1)) bad.push(s);
      // The base's codes when g < 0.5, the neighbour's from 0.5 on, all from the same end.
      else if (!explanations(inp, v).some((e) => codesFromOneEnd(v, e))) bad.push(s);
    }
    expect(bad).toEqual([]);
  });

  it('follows the documented draw: base ⌊u0·m⌋, neighbour ⌊u1·k⌋-th, g = u2', () => {
    const wrong: number[] = [];
    for (let s = 0; s < COUNT; s++) {
      const base = Math.floor(writtenOut(42, s, 0) * M);
      const nn = inp.neighbours[base * K + Math.floor(writtenOut(42, s, 1) * K)]!;
      const g = writtenOut(42, s, 2);
      const a = ROWS[base]!;
      const b = ROWS[nn]!;
      const want = a.map((x, j) => (SCALED[j] === 1 ? x + g * (b[j]! - x) : g < 0.5 ? x : b[j]!));
      if (row(s).some((x, j) => !Object.is(x, want[j]))) wrong.push(s);
    }
    expect(wrong).toEqual([]);
  });

  it('uses every base row and every neighbour rank over many draws', () => {
    const bases = new Set<number>();
    const ranks = new Set<number>();
    for (let s = 0; s < COUNT; s++) {
      bases.add(Math.floor(uniform(42, s, 0) * M));
      ranks.add(Math.floor(uniform(42, s, 1) * K));
    }
    expect(bases.size).toBe(M);
    expect(ranks.size).toBe(K);
  });

  it('writes only rows offset + [from, to) of the output', () => {
    const { out, outRows } = run(inp, COUNT, 7);
    for (let j = 0; j < WIDTH; j++) {
      for (let r = 0; r < outRows; r++) {
        const inside = r >= 7 && r < 7 + COUNT;
        expect(Number.isNaN(out[j * outRows + r]), `row ${r} col ${j}`).toBe(!inside);
      }
    }
  });

  it('gives the same rows however the range is chunked', () => {
    const whole = run(inp, COUNT, 7);
    const pieces = run(inp, COUNT, 7, [1, 137, 138, 399]);
    expect(pieces.out).toEqual(whole.out);
  });

  it('gives other rows for another seed', () => {
    const other = run(input(43), COUNT, 7);
    let same = 0;
    for (let s = 0; s < COUNT; s++) if (other.row(s).every((x, j) => x === row(s)[j])) same++;
    expect(same).toBeLessThan(COUNT / 10);
  });
});

describe('uniform', () => {
  it('stays in [0, 1) for many seeds, rows and draws', () => {
    const seeds = [0, 1, 42, 0x7fffffff, 0x80000000, 0xffffffff];
    let outside = 0;
    for (const seed of seeds) {
      for (let s = 0; s < 5000; s++) {
        for (let t = 0; t < 4; t++) {
          const u = uniform(seed, s, t);
          if (!(u >= 0 && u < 1)) outside++;
        }
      }
    }
    expect(outside).toBe(0);
  });

  it('draws what the README formula, written out literally, gives', () => {
    const wrong: string[] = [];
    for (const seed of [0, 1, 42, 0x7fffffff, 0xffffffff]) {
      for (const s of [0, 1, 2, 1_000, 3_067_630, 2 ** 31 - 1]) {
        for (let t = 0; t <= 7; t++) {
          if (!Object.is(uniform(seed, s, t), writtenOut(seed, s, t)))
            wrong.push(`${seed},${s},${t}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('is a pure function of (seed, row, draw)', () => {
    const first = Array.from({ length: 100 }, (_, s) => uniform(42, s, 2));
    const again = Array.from({ length: 100 }, (_, s) => uniform(42, s, 2));
    expect(again).toEqual(first);
    expect(hash32(123_456)).toBe(hash32(123_456));
  });

  it('gives different values for different draws, rows and seeds', () => {
    expect(uniform(42, 5, 0)).not.toBe(uniform(42, 5, 1));
    expect(uniform(42, 5, 0)).not.toBe(uniform(42, 6, 0));
    expect(uniform(42, 5, 0)).not.toBe(uniform(41, 5, 0));
    const distinct = new Set(Array.from({ length: 10_000 }, (_, s) => uniform(7, s, 0)));
    expect(distinct.size).toBe(10_000);
  });

  it('spreads evenly over [0, 1)', () => {
    // 100,000 draws into 10 bins: each bin expects 10,000 with sd ≈ 95; allow ±600.
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    for (let s = 0; s < 100_000; s++) {
      const u = uniform(42, s, 0);
      bins[Math.floor(u * 10)]!++;
      sum += u;
    }
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(600);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('returns 32-bit unsigned hashes', () => {
    for (const x of [0, 1, -1, 0xffffffff, 2 ** 31]) {
      const h = hash32(x);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});
