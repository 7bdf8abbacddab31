// Temporal split (SPEC §6, §12) with exact rational arithmetic.
import type { Transaction } from './parse.js';
import { DAY, dayStart } from './time.js';

export type SplitName = 'train' | 'validation' | 'test';

/** p / q with q > 0. */
interface Ratio {
  readonly p: bigint;
  readonly q: bigint;
}

export interface SplitChoice {
  readonly i: number;
  readonly j: number;
  /** Per transaction, in file order. */
  readonly names: SplitName[];
}

/**
 * The target as the decimal the user wrote: 0.6 means 3/5, not the double nearest to it.
 * `String(x)` gives the shortest decimal that round-trips, which is that decimal.
 */
export function decimalRatio(x: number): Ratio {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (m === null) throw new Error(`split share must be a non-negative number: ${x}`);
  const fraction = m[2] ?? '';
  const exponent = Number(m[3] ?? '0') - fraction.length;
  const digits = BigInt(`${m[1]}${fraction}`);
  return exponent >= 0
    ? { p: digits * 10n ** BigInt(exponent), q: 1n }
    : { p: digits, q: 10n ** BigInt(-exponent) };
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const less = (a: Ratio, b: Ratio): boolean => a.p * b.q < b.p * a.q;

/** |count/total − target| / target, exactly. */
function relativeError(count: number, total: number, target: Ratio): Ratio {
  const n = BigInt(count);
  const t = BigInt(total);
  // count/t − p/q = (count·q − p·t) / (t·q); over p/q that is (count·q − p·t) / (t·p).
  return { p: abs(n * target.q - target.p * t), q: t * target.p };
}

/** Transactions per day, days counted from the earliest UTC day, empty days included. */
export function dailyCounts(txs: readonly Transaction[]): number[] {
  if (txs.length === 0) return [];
  const first = dayStart(Math.min(...txs.map((t) => t.timestamp)));
  const counts: number[] = [];
  for (const t of txs) {
    const day = Math.floor((t.timestamp - first) / DAY);
    while (counts.length <= day) counts.push(0);
    counts[day] = (counts[day] as number) + 1;
  }
  return counts;
}

/** The cut days (i ≤ j) minimising the largest relative error; ties → smallest (i, j). */
export function chooseCuts(counts: readonly number[], shares: readonly number[]): [number, number] {
  const targets = shares.map(decimalRatio);
  const prefix = [0];
  for (const c of counts) prefix.push((prefix[prefix.length - 1] as number) + c);
  const total = prefix[prefix.length - 1] as number;
  if (total === 0) return [0, 0];
  if (targets.some((t) => t.p === 0n)) throw new Error('split shares must be positive');

  let best: { i: number; j: number; err: Ratio } | null = null;
  for (let i = 0; i <= counts.length; i += 1) {
    for (let j = i; j <= counts.length; j += 1) {
      const parts = [
        prefix[i] as number,
        (prefix[j] as number) - (prefix[i] as number),
        total - (prefix[j] as number),
      ];
      const errs = parts.map((n, k) => relativeError(n, total, targets[k] as Ratio));
      const worst = errs.reduce((a, b) => (less(a, b) ? b : a));
      // Strictly better only: scanning i, then j, upwards keeps the smallest tie.
      if (best === null || less(worst, best.err)) best = { i, j, err: worst };
    }
  }
  return best === null ? [0, 0] : [best.i, best.j];
}

export function temporalSplit(txs: readonly Transaction[], shares: readonly number[]): SplitChoice {
  const [i, j] = chooseCuts(dailyCounts(txs), shares);
  const first = txs.length === 0 ? 0 : dayStart(Math.min(...txs.map((t) => t.timestamp)));
  const names = txs.map((t): SplitName => {
    const day = Math.floor((t.timestamp - first) / DAY);
    return day < i ? 'train' : day < j ? 'validation' : 'test';
  });
  return { i, j, names };
}
