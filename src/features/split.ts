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
}

/**
 * SPEC §6: the cut days (i ≤ j) minimising the largest relative error of the three shares,
 * compared exactly as rationals; ties go to the smallest (i, j). Shares are decimal strings.
 */
export function chooseCuts(ts: Float64Array, rows: number, shares: readonly string[]): SplitCuts {
  const firstDay = rows === 0 ? 0 : dayOf(minOf(ts, rows));
  const lastDay = rows === 0 ? 0 : dayOf(maxOf(ts, rows));
  const days = rows === 0 ? 0 : lastDay - firstDay + 1;
  const prefix = new Array<bigint>(days + 1).fill(0n);
  const daily = new Array<number>(days).fill(0);
  for (let r = 0; r < rows; r++) daily[dayOf(ts[r]!) - firstDay]!++;
  for (let d = 0; d < days; d++) prefix[d + 1] = prefix[d]! + BigInt(daily[d]!);

  const { nums, den } = rationalShares(shares);
  const total = BigInt(rows);
  let best: { i: number; j: number; p: bigint; q: bigint } | null = null;
  for (let i = 0; i <= days; i++) {
    for (let j = i; j <= days; j++) {
      const counts = [prefix[i]!, prefix[j]! - prefix[i]!, total - prefix[j]!];
      const worst = largestError(counts, nums, den, total);
      // Strictly better only: the loops visit (i, j) in increasing order, so ties keep the first.
      if (best === null || worst.p * best.q < best.p * worst.q) best = { i, j, ...worst };
    }
  }
  return { i: best?.i ?? 0, j: best?.j ?? 0, days, firstDay };
}

/** Split code of every row under the given cuts. */
export function splitCodes(ts: Float64Array, rows: number, cuts: SplitCuts): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(Math.max(1, rows)));
  for (let r = 0; r < rows; r++) {
    const day = dayOf(ts[r]!) - cuts.firstDay;
    out[r] = day < cuts.i ? TRAIN : day < cuts.j ? VALIDATION : TEST;
  }
  return out;
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
