import { dayOf } from './calendar.js';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export const TRAIN = 0;
export const VALIDATION = 1;
export const TEST = 2;

export interface SplitCuts {
  /** Train is day < i, validation i ≤ day < j, test day ≥ j (days from the first day). */
  i: number;
  j: number;
  days: number;
  firstDay: number;
  /** Days with at least one row (absent from records of runs before it was kept). */
  daysWithRows?: number;
}

/**
 * SPEC §6: the cut days (i ≤ j) minimising the largest relative error of the three shares,
 * compared exactly as rationals; ties go to the smallest (i, j). Shares are decimal strings.
 */
export function chooseCuts(ts: Float64Array, rows: number, shares: readonly string[]): SplitCuts {
  const firstDay = rows === 0 ? 0 : dayOf(minOf(ts, rows));
  const lastDay = rows === 0 ? 0 : dayOf(maxOf(ts, rows));
  const days = rows === 0 ? 0 : lastDay - firstDay + 1;
  const perDay = rowsPerDay(ts, rows, firstDay, days);
  const { i, j } = bestCuts(perDay, rows, shares);
  return { i, j, days, firstDay, daysWithRows: perDay.length };
}

/**
 * The cut days (i, j) for rows counted per day (`[day from the first, rows]`, ascending days
 * with data): what `chooseCuts` gives, and what readers check a manifest's cuts against.
 */
export function bestCuts(
  perDay: readonly (readonly [number, number])[],
  rows: number,
  shares: readonly string[],
): { i: number; j: number } {
  const { cuts, before } = candidateCuts(perDay);
  const { nums, den } = rationalShares(shares);
  const total = BigInt(rows);
  let best: { i: number; j: number; p: bigint; q: bigint } | null = null;
  for (let a = 0; a < cuts.length; a++) {
    for (let b = a; b < cuts.length; b++) {
      const counts = [before[a]!, before[b]! - before[a]!, total - before[b]!];
      const worst = largestError(counts, nums, den, total);
      // Strictly better only: candidates ascend, so ties keep the smallest (i, j).
      if (best === null || worst.p * best.q < best.p * worst.q) {
        best = { i: cuts[a]!, j: cuts[b]!, ...worst };
      }
    }
  }
  return { i: best?.i ?? 0, j: best?.j ?? 0 };
}

/**
 * The cut days worth trying. Counts change only just after a day that has transactions, so the
 * smallest cut giving each distinct count is 0 or (such a day + 1): the search is quadratic
 * in days with data, not in the calendar span (a stray year-9999 row must not hang it).
 * `before[k]` is the number of rows on days before `cuts[k]`.
 */
function candidateCuts(perDay: readonly (readonly [number, number])[]) {
  const cuts = [0];
  const before = [0n];
  let running = 0n;
  for (const [d, n] of perDay) {
    running += BigInt(n);
    cuts.push(d + 1);
    before.push(running);
  }
  return { cuts, before };
}

/**
 * Rows on each day with data, by ascending day. A counter per calendar day when the span is
 * up to a few years (one typed-array increment a row, not a Map update), else a Map.
 */
function rowsPerDay(ts: Float64Array, rows: number, firstDay: number, days: number) {
  if (days <= DENSE_DAYS) {
    const count = new Float64Array(days);
    for (let r = 0; r < rows; r++) count[dayOf(ts[r]!) - firstDay]!++;
    const out: [number, number][] = [];
    count.forEach((n, d) => {
      if (n > 0) out.push([d, n]);
    });
    return out;
  }
  const perDay = new Map<number, number>();
  for (let r = 0; r < rows; r++) {
    const d = dayOf(ts[r]!) - firstDay;
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  return [...perDay].sort((a, b) => a[0] - b[0]);
}

/** Spans of up to 2^16 days (179 years) count rows in an array. */
const DENSE_DAYS = 1 << 16;

/** Split code of every row under the given cuts. */
export function splitCodes(ts: Float64Array, rows: number, cuts: SplitCuts): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(Math.max(1, rows)));
  writeSplitCodes(ts, cuts, out, 0, rows);
  return out;
}

/** Split codes of rows [from, to) into the same rows of `out`. */
export function writeSplitCodes(
  ts: Float64Array,
  cuts: SplitCuts,
  out: Uint8Array,
  from: number,
  to: number,
): void {
  for (let r = from; r < to; r++) {
    const day = dayOf(ts[r]!) - cuts.firstDay;
    out[r] = day < cuts.i ? TRAIN : day < cuts.j ? VALIDATION : TEST;
  }
}

/** |n_k/N − t_k| / t_k = |n_k·den − num_k·N| / (num_k·N); the largest of the three, as p/q. */
function largestError(counts: bigint[], nums: bigint[], den: bigint, total: bigint) {
  let p = -1n;
  let q = 1n;
  counts.forEach((n, k) => {
    const num = nums[k]!;
    const diff = n * den - num * total;
    const ep = diff < 0n ? -diff : diff;
    const eq = num * (total === 0n ? 1n : total);
    if (p < 0n || ep * q > p * eq) {
      p = ep;
      q = eq;
    }
  });
  return { p, q };
}

function rationalShares(shares: readonly string[]): { nums: bigint[]; den: bigint } {
  const scale = Math.max(...shares.map((s) => (s.split('.')[1] ?? '').length));
  const nums = shares.map((s) => {
    const [whole = '', frac = ''] = s.split('.');
    return BigInt((whole || '0') + frac.padEnd(scale, '0'));
  });
  return { nums, den: 10n ** BigInt(scale) };
}

function minOf(a: Float64Array, n: number): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) if (a[i]! < m) m = a[i]!;
  return m;
}

function maxOf(a: Float64Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (a[i]! > m) m = a[i]!;
  return m;
}
