import { weightsOfCounts } from '../features/class-weights.js';
import { areShares } from '../options.js';
import { canonProblem } from './manifest-canon.js';
import type { Manifest } from './manifest.js';
import { resampledProblem, resamplingOptionsProblem } from './resampled-counts.js';
import { OUTPUT_FILES, type OutputName } from './outputs.js';

/**
 * The parts of manifest.json that `readOutputs`, `inspect` and `export` read, checked before
 * any of them is used: a manifest edited by hand (or by another program) into valid JSON of
 * another shape made them fail with a TypeError and a stack trace, or size an array by a
 * negative row count. Returns the first problem, as "`files.edges.rows` is -1, not a row
 * count", or null when the shape is right. Keys nothing reads are not checked.
 */
export function manifestShapeProblem(manifest: unknown): string | null {
  return (
    check(manifest, '', SHAPE) ??
    roleProblem(manifest as RoleColumns) ??
    canonProblem(manifest as Parameters<typeof canonProblem>[0]) ??
    splitProblem(manifest as Manifest) ??
    scalerRangeProblem(manifest as Manifest) ??
    minorityProblem(manifest as Manifest) ??
    typologyCountsProblem(manifest as Manifest) ??
    resamplingOptionsProblem(manifest as Manifest)
  );
}

/**
 * How the manifest's own counts disagree, or null: each file's row count against the summary's
 * (nodes, edges, resampled rows, and the edges of the three splits). `inspect` compares the
 * files with the summary and warns; the readers that hand the files on (export, readOutputs)
 * refuse a manifest that disagrees with itself: an `edges.arrow` of another run with its own
 * entry edited in was exported beside this run's nodes (trial S).
 */
export function manifestCountsProblem(manifest: Manifest): string | null {
  const { files, summary } = manifest;
  const splits = Object.values(summary.splits).flat();
  const pairs: [string, number, string, unknown][] = [
    ['files.nodes.rows', files.nodes.rows, '"summary.nodes" says', summary.nodes],
    ['files.edges.rows', files.edges.rows, '"summary.edges" says', summary.edges],
    ['files.edges.rows', files.edges.rows, 'the "summary.splits" add up to', sum(splits)],
    [
      'files.trainResampled.rows',
      files.trainResampled.rows,
      '"summary.resampled.rows" says',
      (summary.resampled as { rows?: unknown } | undefined)?.rows,
    ],
  ];
  for (const [name, rows, other, count] of pairs) {
    if (count !== rows) return `"${name}" is ${rows}, but ${other} ${briefly(count ?? null)}`;
  }
  return classWeightsProblem(manifest, manifest.summary.splits.train) ?? resampledProblem(manifest);
}

/**
 * The split's record against itself and the options: cut days in order within the days, and
 * the shares of `options.split` (trial Y: cut days swapped or past the last day, and shares
 * summing to 2.7, were handed on).
 */
function splitProblem(manifest: Manifest): string | null {
  const { cutDays, days, shares } = manifest.split;
  const [i, j] = cutDays;
  if (!(i <= j && j <= days)) {
    const said = JSON.stringify(cutDays);
    return `"split.cutDays" is ${said}, not two days in order within its ${days}`;
  }
  // Trial BB: shares of 0.6, 0.2 and 0.19, in the options too, were handed on.
  if (!areShares(shares)) {
    return `"split.shares" is ${briefly(shares)}, not three positive decimals summing to 1`;
  }
  const given = manifest.options.split;
  if (given !== shares.join(',')) {
    // Not named `options.split`, which the CLI would print as the flag --split.
    const recorded = `the options record the split ${briefly(given ?? null)}`;
    return `"split.shares" is ${briefly(shares)}, but ${recorded}`;
  }
  return null;
}

/**
 * The typology counts against the list: amlprep counts the typologies it lists, and only
 * those with edges (trial BB: an extra name at 0 was handed on).
 */
function typologyCountsProblem(manifest: Manifest): string | null {
  const listed = new Set(manifest.typologies);
  for (const [name, count] of Object.entries(manifest.summary.typologyCounts)) {
    if (!listed.has(name)) {
      return `"summary.typologyCounts" counts ${briefly(name)}, which "typologies" does not list`;
    }
    if (count === 0) {
      const at = `"summary.typologyCounts" counts ${briefly(name)} at 0`;
      return `${at}; amlprep counts the typologies that have edges`;
    }
  }
  return null;
}

/**
 * Each scaled feature's mean within its min and max (a little slack for the rounding of a
 * mean), and the rows each scaler was fitted on: all nodes, and the train split's edges.
 */
function scalerRangeProblem(manifest: Manifest): string | null {
  const train = sum(manifest.summary.splits.train);
  for (const [kind, rows] of [
    ['node', manifest.summary.nodes],
    ['edge', train],
  ] as const) {
    const stats = manifest.scaler[kind];
    // A summary count that is no count is inspect's to warn of, against the files.
    if (count.test(rows) && stats.fitted !== rows) {
      return `"scaler.${kind}.fitted" is ${stats.fitted}, not the ${rows} rows it is fitted on`;
    }
    for (const [c, mean] of stats.mean.entries()) {
      const [min, max] = [stats.min[c], stats.max[c]];
      if (min === null || max === null || min === undefined || max === undefined) continue;
      const slack = 1e-9 * Math.max(1, Math.abs(min), Math.abs(max));
      if (!(min <= max && mean >= min - slack && mean <= max + slack)) {
        return (
          `"scaler.${kind}" holds ${stats.names[c]} with mean ${mean}, min ${min} and max ` +
          `${max}: not statistics of one column`
        );
      }
    }
  }
  return null;
}

/** The minority class is the one with fewer train rows, class 1 on a tie (SPEC §7). */
function minorityProblem(manifest: Manifest): string | null {
  const [zeros, ones] = manifest.summary.splits.train;
  const minority = ones <= zeros ? 1 : 0;
  const stated = manifest.summary.resampled.minorityLabel;
  if (stated === minority) return null;
  return (
    `"summary.resampled.minorityLabel" is ${stated}, but the train split's ${zeros}/${ones} ` +
    `edges of class 0/1 make it ${minority}`
  );
}

/**
 * How the class weights disagree with the train split's counts `train` they are computed from
 * (SPEC §8), or null: callers take them from the manifest for their loss, so an edited weight
 * is refused by the readers that hand it on, like an edited count, and warned of by inspect.
 */
export function classWeightsProblem(
  manifest: Manifest,
  train: readonly [number, number],
): string | null {
  const [zeros, ones] = train;
  if (zeros === 0 || ones === 0) {
    return `the train split has ${zeros}/${ones} edges of class 0/1, so no class weights`;
  }
  const { weights, multiplier } = weightsOfCounts(zeros, ones);
  const stated: [string, unknown, number][] = [
    ['classWeights.0', manifest.classWeights['0'], weights[0]],
    ['classWeights.1', manifest.classWeights['1'], weights[1]],
    ['summary.classWeights.0', manifest.summary.classWeights['0'], weights[0]],
    ['summary.classWeights.1', manifest.summary.classWeights['1'], weights[1]],
    ['summary.multiplier', manifest.summary.multiplier, multiplier],
  ];
  for (const [name, value, expected] of stated) {
    if (value !== expected) {
      return (
        `"${name}" is ${briefly(value)}, but the train split's ${zeros}/${ones} edges of ` +
        `class 0/1 give ${expected}`
      );
    }
  }
  return null;
}

/** A real calendar date as YYYY-MM-DD (trial AA: 2022-02-30 passed as one). */
function isDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return /^\d{4}-\d\d-\d\d$/.test(text) && !Number.isNaN(date.getTime())
    ? date.toISOString().slice(0, 10) === text
    : false;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * The roles readers find columns by, one column each. Checked only where a reader needed one,
 * an edited role stopped `inspect` and an npy export but not a csv export or `readOutputs`
 * (trial O); here every reader refuses it alike, with the manifest's path.
 */
const REQUIRED_ROLES: Record<OutputName, readonly string[]> = {
  nodes: ['id'],
  edges: ['id', 'source node_id', 'target node_id', 'label', 'split'],
  trainResampled: ['label'],
};

type RoleColumns = { columns: Record<OutputName, { role: string }[]> };

function roleProblem(manifest: RoleColumns): string | null {
  for (const [file, roles] of Object.entries(REQUIRED_ROLES) as [OutputName, string[]][]) {
    for (const role of roles) {
      const found = manifest.columns[file].filter((c) => c.role === role).length;
      if (found !== 1) {
        return `"columns.${file}" has ${found} columns of role ${JSON.stringify(role)}, not one`;
      }
    }
  }
  return null;
}

/** A value's expected shape: a leaf test, an object of shapes, or a list of one shape. */
type Shape = Leaf | { readonly [key: string]: Shape } | readonly [Shape];

interface Leaf {
  test: (value: unknown) => boolean;
  /** What the value should be, for the message: "a row count". */
  what: string;
  optional?: boolean;
}

const leaf = (what: string, test: (value: unknown) => boolean): Leaf => ({ what, test });
const text = leaf('a text', (v) => typeof v === 'string');
const count = leaf('a count', (v) => Number.isSafeInteger(v) && (v as number) >= 0);
const textOrNull = leaf('a text or null', (v) => v === null || typeof v === 'string');
const weight = leaf('a positive number', (v) => typeof v === 'number' && v > 0 && v < Infinity);
const WEIGHTS: Shape = { '0': weight, '1': weight };
const sha256 = leaf('a SHA-256 in hex', (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v));

/** A file's entry; readers open the file by its fixed name, so another is an edited one. */
const fileEntry = (name: OutputName): Shape => ({
  file: leaf(JSON.stringify(OUTPUT_FILES[name]), (v) => v === OUTPUT_FILES[name]),
  rows: { ...count, what: 'a row count' },
  bytes: { ...count, what: 'a size in bytes' },
  sha256,
});
const COLUMN: Shape = { name: text, type: text, role: text };
const FEATURE: Shape = { name: text, role: text, normalized: textOrNull };
const SPLIT_COUNTS: Shape = leaf(
  'two counts [class 0, class 1]',
  (v) => Array.isArray(v) && v.length === 2 && v.every((n) => count.test(n)),
);

const finite = leaf('a finite number', (v) => typeof v === 'number' && Number.isFinite(v));
// A std of 0 divides by 1 (SPEC §6), and 1 is what is kept.
const spread = leaf('a positive number', (v) => typeof v === 'number' && v > 0 && v < Infinity);
// The extremes of no rows (a train split left empty) are ±Infinity, which JSON writes null.
const extreme = leaf('a number or null', (v) => v === null || finite.test(v));
const SCALER: Shape = {
  cols: [count],
  names: [text],
  mean: [finite],
  std: [spread],
  min: [extreme],
  max: [extreme],
  fitted: count,
};
const SPLIT: Shape = {
  shares: leaf('three texts', (v) => Array.isArray(v) && v.length === 3 && v.every(text.test)),
  cutDays: leaf('two counts', (v) => Array.isArray(v) && v.length === 2 && v.every(count.test)),
  days: count,
  firstDay: leaf('a date YYYY-MM-DD', (v) => typeof v === 'string' && isDate(v)),
};

const byOutput = (shape: (name: OutputName) => Shape): Shape =>
  Object.fromEntries((Object.keys(OUTPUT_FILES) as OutputName[]).map((n) => [n, shape(n)]));

const SHAPE: Shape = {
  amlprep: text,
  createdAt: text,
  files: byOutput(fileEntry),
  columns: byOutput(() => [COLUMN]),
  features: { node: [FEATURE], edge: [FEATURE] },
  // What readOutputs hands its callers, to normalize new rows with or to weigh their loss:
  // checked as the rest is (trials U and W found edited values handed on).
  scaler: { node: SCALER, edge: SCALER },
  split: SPLIT,
  classWeights: WEIGHTS,
  typologies: [text],
  summary: {
    rejectedRows: count,
    splits: { train: SPLIT_COUNTS, validation: SPLIT_COUNTS, test: SPLIT_COUNTS },
    resampled: {
      synthetic: count,
      minorityLabel: leaf('0 or 1', (v) => v === 0 || v === 1),
      k: count,
    },
    classWeights: WEIGHTS,
    multiplier: leaf('10, 50 or 100', (v) => v === 10 || v === 50 || v === 100),
    typologyCounts: leaf(
      'an object of counts',
      (v) => isObject(v) && Object.values(v).every(count.test),
    ),
  },
  dictionaries: leaf(
    'an object of text lists',
    (v) =>
      isObject(v) &&
      Object.values(v).every((list) => Array.isArray(list) && list.every((t) => text.test(t))),
  ),
  // Export reads the transactions file's path from here (a number would be taken for a file
  // descriptor).
  inputs: {
    ...leaf('an object whose "transactions" is null or has a text "path"', (v) => {
      if (!isObject(v)) return false;
      const t = v.transactions;
      return t === undefined || t === null || (isObject(t) && typeof t.path === 'string');
    }),
    optional: true,
  },
};

function check(value: unknown, at: string, shape: Shape): string | null {
  if (isLeaf(shape)) {
    if (value === undefined && shape.optional === true) return null;
    return shape.test(value) ? null : problem(at, value, shape.what);
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return problem(at, value, 'a list');
    for (const [i, item] of value.entries()) {
      const found = check(item, `${at}[${i}]`, shape[0] as Shape);
      if (found !== null) return found;
    }
    return null;
  }
  if (!isObject(value)) return problem(at, value, 'an object');
  for (const [key, inner] of Object.entries(shape as Record<string, Shape>)) {
    const found = check(value[key], at === '' ? key : `${at}.${key}`, inner);
    if (found !== null) return found;
  }
  return null;
}

function problem(at: string, value: unknown, what: string): string {
  if (value === undefined) return `"${at}" is missing`;
  // The whole file has no key to name (a trial saw `"" is [], not an object`).
  const where = at === '' ? 'the whole file' : `"${at}"`;
  return `${where} is ${briefly(value)}, not ${what}`;
}

/**
 * A value as JSON, its first 40 characters and `…` when longer (trial Q: a cut SHA-256 read as
 * a whole one); one nested thousands deep is only said to be (a trial's).
 */
function briefly(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    return json.length > 40 ? `${json.slice(0, 40)}…` : json;
  } catch {
    return 'a value nested too deep to show';
  }
}

function isLeaf(shape: Shape): shape is Leaf {
  return typeof (shape as Leaf).test === 'function';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
