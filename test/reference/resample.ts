// Class imbalance (SPEC §7) under the shared deterministic randomness contract.
import { EDGE_FEATURES, EDGE_SCALED, modelColumn } from './names.js';
import { uniform } from './random.js';
import { num, type Row } from './table.js';

export type Imbalance = 'smote' | 'undersample' | 'none';

export interface ResampleOptions {
  readonly imbalance: Imbalance;
  readonly ratio: number;
  readonly seed: number;
}

interface Classes {
  readonly minorityLabel: 0 | 1;
  /** Indices into the train rows, in edge order. */
  readonly minority: number[];
  readonly majority: number[];
}

const SCALED = EDGE_SCALED.map((f) => `${f}_z`);

/** The class with fewer train rows; a tie makes class 1 the minority. */
export function splitClasses(train: readonly Row[]): Classes {
  const ones = train.flatMap((r, i) => (num(r, 'y') === 1 ? [i] : []));
  const zeros = train.flatMap((r, i) => (num(r, 'y') === 1 ? [] : [i]));
  return zeros.length < ones.length
    ? { minorityLabel: 0, minority: zeros, majority: ones }
    : { minorityLabel: 1, minority: ones, majority: zeros };
}

function squaredDistance(a: Row, b: Row): number {
  return SCALED.reduce((acc, c) => acc + (num(a, c) - num(b, c)) ** 2, 0);
}

/** k nearest other minority rows (by index, so a duplicate is at distance 0); ties → index. */
export function neighbours(rows: readonly Row[], k: number): number[][] {
  return rows.map((row, self) =>
    rows
      .map((other, index) => ({ index, d: squaredDistance(row, other) }))
      .filter((x) => x.index !== self)
      .sort((x, y) => x.d - y.d || x.index - y.index)
      .slice(0, k)
      .map((x) => x.index),
  );
}

function interpolate(x: Row, nn: Row, g: number, label: number): Row {
  const row: Row = {};
  for (const f of EDGE_FEATURES) {
    const c = modelColumn(f);
    row[c] = SCALED.includes(c)
      ? num(x, c) + g * (num(nn, c) - num(x, c))
      : num(g < 0.5 ? x : nn, c); // never a fractional code
  }
  row['y'] = label;
  return row;
}

/**
 * ⌈(a / b) · n⌉ for ratios a, b written with a few decimals, in integers: both are scaled to
 * whole numbers by the same power of ten, so 0.07 · 100 is 7 (in floating point it is
 * 7.000000000000001) and 21 / 0.7 is 30. Exact while the products stay below 2^53.
 */
export function ceilOfRatio(a: number, n: number, b: number): number {
  const places = Math.max(decimals(a), decimals(b));
  const whole = (x: number) => Math.round(x * 10 ** places);
  const numerator = whole(a) * n;
  const denominator = whole(b);
  const floor = Math.floor(numerator / denominator);
  // Float division may land one off; the integer remainder settles it.
  for (let q = floor - 1; q <= floor + 1; q++) {
    if (q * denominator >= numerator) return q;
  }
  return floor + 2;
}

/** Digits after the point as JavaScript writes `x` (no exponent form in the tests' ratios). */
function decimals(x: number): number {
  const text = String(x);
  if (text.includes('e')) throw new Error(`ratio ${text} in exponent form`);
  return text.split('.')[1]?.length ?? 0;
}

export function smote(train: readonly Row[], opts: ResampleOptions): Row[] {
  const { minorityLabel, minority, majority } = splitClasses(train);
  const m = minority.length;
  const wanted = ceilOfRatio(opts.ratio, majority.length, 1) - m;
  if (m < 2 || wanted <= 0) return [...train];

  const rows = minority.map((i) => train[i] as Row);
  const k = Math.min(3, m - 1);
  const nn = neighbours(rows, k);
  const synthetic: Row[] = [];
  for (let s = 0; s < wanted; s += 1) {
    const base = Math.floor(uniform(opts.seed, s, 0) * m);
    const partner = nn[base]?.[Math.floor(uniform(opts.seed, s, 1) * k)] as number;
    const g = uniform(opts.seed, s, 2);
    synthetic.push(interpolate(rows[base] as Row, rows[partner] as Row, g, minorityLabel));
  }
  return [...train, ...synthetic];
}

/** Keeps all minority rows and the majority rows with the smallest uniform(seed, r, 7). */
export function undersample(train: readonly Row[], opts: ResampleOptions): Row[] {
  const { minority, majority } = splitClasses(train);
  const keep = Math.min(majority.length, ceilOfRatio(1, minority.length, opts.ratio));
  const chosen = majority
    .map((index, r) => ({ index, u: uniform(opts.seed, r, 7), r }))
    .sort((a, b) => a.u - b.u || a.r - b.r)
    .slice(0, keep)
    .map((x) => x.index);
  const kept = new Set([...minority, ...chosen]);
  return train.filter((_, i) => kept.has(i));
}

export function resample(train: readonly Row[], opts: ResampleOptions): Row[] {
  switch (opts.imbalance) {
    case 'smote':
      return smote(train, opts);
    case 'undersample':
      return undersample(train, opts);
    case 'none':
      return [...train];
  }
}
