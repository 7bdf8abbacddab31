import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { nearestName, optionsObject, shown } from './api-arguments.js';
import { requireBase } from './current-folder.js';
import { OptionError } from './errors.js';
import type { ProgressListener } from './events.js';
import { defaultMemoryBudget, MAX_BUDGET, MIN_BUDGET } from './memory/budget.js';
import { decimalText } from './decimal-text.js';
import { parseSize } from './memory/size.js';

export type Imbalance = 'smote' | 'undersample' | 'none';
export type OnBadRow = 'fail' | 'skip';

// The exported constants are frozen, deeply: the library reads them itself, and a caller's
// change to one (STEPS reversed, an output renamed) would change what it does (trial DD).
export const STEPS = Object.freeze([
  'data_loaded',
  'node_features',
  'edge_features',
  'normalized',
  'imbalanced',
  'weights',
  'graph_created',
] as const);
export type StepName = (typeof STEPS)[number];

/** Options of `run()`. Every field but `transactions` is optional; defaults are noted. */
export interface RunOptions {
  /** Path of the transactions CSV (AMLworld layout). Required. */
  transactions: string;
  /** Path of the accounts CSV. Default: none. */
  accounts?: string | null;
  /** Path of the `*_Patterns.txt` file, for typologies. Default: none. */
  patterns?: string | null;
  /** Output folder. Default: `checkpoints_<sample|all>` beside the transactions file. */
  out?: string | null;
  /** Keep only the first N data rows. Default: every row. */
  sample?: number | null;
  /** Rows per chunk handed to a worker. Default: 100,000. */
  chunkSize?: number | null;
  /** Worker threads. Default: available cores. */
  workers?: number | null;
  /**
   * Heap limit of each worker thread, in MB (V8's old generation). A chunk whose worker runs
   * out of it twice is split in half. Default: 1024.
   */
  workerHeapMb?: number | null;
  /**
   * Memory the run should stay under: bytes as a number, or text with a binary suffix
   * (`'4g'` is 4 GiB; k, m, g and t are accepted). When the edge matrix held in memory would
   * not fit, it is streamed through a file in the output folder instead; the outputs are the
   * same bytes either way. Default: three quarters of the memory available at start (the
   * cgroup limit when lower).
   */
  memoryBudget?: number | string | null;
  /** Load this step and those before it from checkpoints, recompute the rest. */
  resumeFrom?: StepName | null;
  /** Ignore every checkpoint. Default: false. */
  fresh?: boolean | null;
  /** Class imbalance treatment. Default: 'smote'. */
  imbalance?: Imbalance | null;
  /** Minority:majority ratio to reach. Default: 1.0. */
  smoteRatio?: number | null;
  /** Seed of every random choice. Default: 42. */
  seed?: number | null;
  /**
   * Train / validation / test shares, as decimals summing to 1: three numbers, three decimal
   * texts (as `DEFAULTS.split` holds them; not a mix of numbers and texts), or one text
   * `'0.6,0.2,0.2'`. Default: 0.6, 0.2, 0.2.
   */
  split?: readonly [number, number, number] | readonly [string, string, string] | string | null;
  /** What a malformed row does. Default: 'fail'. */
  onBadRow?: OnBadRow | null;
  /** Progress events; the library never prints. */
  onProgress?: ProgressListener | null;
  /** Stops the run cleanly between chunks. */
  signal?: AbortSignal | null;
}

export interface ResolvedOptions {
  readonly transactions: string;
  readonly accounts: string | null;
  readonly patterns: string | null;
  readonly out: string;
  readonly sample: number | null;
  readonly chunkSize: number;
  readonly workers: number;
  readonly workerHeapMb: number;
  /** Bytes; see RunOptions.memoryBudget. */
  readonly memoryBudget: number;
  readonly resumeFrom: StepName | null;
  readonly fresh: boolean;
  readonly imbalance: Imbalance;
  readonly smoteRatio: number;
  readonly seed: number;
  /** Shares as exact decimal strings, so the split compares them as rationals. */
  readonly split: readonly [string, string, string];
  readonly onBadRow: OnBadRow;
}

export const DEFAULTS = Object.freeze({
  chunkSize: 100_000,
  // Chunk data lives in typed arrays (SharedArrayBuffers, the parse buffer), which V8 keeps
  // outside the heap this limits; a worker's heap holds per-chunk scratch only: dictionary
  // strings, reject records, Arrow batch objects. 1 M generated rows in default chunks, with
  // the outputs written on pool threads, run with no split under 64 MB, and HI-Small under
  // the default. So 1 GiB leaves wide headroom for big chunks and `skip` runs full of
  // rejects, while a runaway worker is stopped (and its chunk split) long before it takes the
  // machine: with 8 workers, at most 8 GiB of worker heap.
  workerHeapMb: 1024,
  imbalance: 'smote' as Imbalance,
  smoteRatio: 1.0,
  seed: 42,
  split: Object.freeze(['0.6', '0.2', '0.2'] as const),
  onBadRow: 'fail' as OnBadRow,
});

/**
 * Every key `RunOptions` declares. The `Record` type makes the compiler reject this list when
 * a key is added to `RunOptions` and not here, so a new option cannot be refused as unknown.
 */
const KNOWN_KEYS: Record<keyof RunOptions, true> = {
  transactions: true,
  accounts: true,
  patterns: true,
  out: true,
  sample: true,
  chunkSize: true,
  workers: true,
  workerHeapMb: true,
  memoryBudget: true,
  resumeFrom: true,
  fresh: true,
  imbalance: true,
  smoteRatio: true,
  seed: true,
  split: true,
  onBadRow: true,
  onProgress: true,
  signal: true,
};

/** Validates every option once, at the library boundary; messages name the option. */
export function resolveOptions(given: RunOptions): ResolvedOptions {
  const options = optionsObject(given, Object.keys(KNOWN_KEYS));
  checkHooks(options);
  const transactions = requiredPath(options.transactions, 'transactions');
  const sample = optionalInt(options.sample, 'sample', 1);
  const resumeFrom = resolveStep(options.resumeFrom);
  const fresh = optionalBool(options.fresh, 'fresh') ?? false;
  if (fresh && resumeFrom !== null) {
    // One ignores every checkpoint, the other loads some: together one of them is a mistake.
    throw new OptionError(
      `options.fresh ignores every checkpoint, so options.resumeFrom (${resumeFrom}) has ` +
        'nothing to load: give one of them',
    );
  }

  return {
    transactions,
    accounts: optionalPath(options.accounts, 'accounts'),
    patterns: optionalPath(options.patterns, 'patterns'),
    out: optionalPath(options.out, 'out') ?? defaultOut(transactions, sample),
    sample,
    chunkSize: optionalInt(options.chunkSize, 'chunkSize', 1) ?? DEFAULTS.chunkSize,
    workers: optionalInt(options.workers, 'workers', 1, MAX_WORKERS) ?? availableParallelism(),
    workerHeapMb:
      optionalInt(options.workerHeapMb, 'workerHeapMb', MIN_HEAP_MB) ?? DEFAULTS.workerHeapMb,
    memoryBudget: resolveBudget(options.memoryBudget) ?? defaultMemoryBudget(),
    resumeFrom,
    fresh,
    imbalance:
      oneOf(options.imbalance, 'imbalance', ['smote', 'undersample', 'none']) ?? DEFAULTS.imbalance,
    smoteRatio: resolveRatio(options.smoteRatio),
    seed: optionalInt(options.seed, 'seed', 0, MAX_SEED) ?? DEFAULTS.seed,
    split: resolveSplit(options.split),
    onBadRow: oneOf(options.onBadRow, 'onBadRow', ['fail', 'skip']) ?? DEFAULTS.onBadRow,
  };
}

/**
 * `signal` and `onProgress` are used as given, not resolved, so they are checked here: a
 * string as `signal` was only noticed when the last step first listened to it, after every
 * other step had run, and a listener that is not a function failed silently on each event.
 */
function checkHooks(options: RunOptions): void {
  checkSignal(options.signal, 'options.signal');
  const listener: unknown = options.onProgress;
  if (listener !== undefined && listener !== null && typeof listener !== 'function') {
    throw new OptionError(`options.onProgress must be a function, got ${shown(listener)}`);
  }
}

/** Refuses a `signal` option that is not an AbortSignal (null and undefined are not given). */
export function checkSignal(signal: unknown, name: string): void {
  if (signal !== undefined && signal !== null && !isAbortSignal(signal)) {
    throw new OptionError(`${name} must be an AbortSignal, got ${shown(signal)}`);
  }
}

/** An AbortSignal, or one from another realm or a polyfill: what the run calls on it. */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  const v = value as Partial<AbortSignal> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.aborted === 'boolean' &&
    typeof v.addEventListener === 'function' &&
    typeof v.removeEventListener === 'function'
  );
}

/** Below this a worker cannot load its modules and run a small chunk. */
const MIN_HEAP_MB = 16;

/**
 * Threads are started up front, each with its own heap: more than this would exhaust the
 * machine starting them (32 idle workers take about 400 MB) long before running a chunk.
 */
export const MAX_WORKERS = 256;

/** Seeds are unsigned 32-bit words: the random streams (resample/random.ts) hash them as such. */
export const MAX_SEED = 0xffffffff;

/** The original pipeline kept checkpoints in `checkpoints_<sample_size>` beside its input. */
function defaultOut(transactions: string, sample: number | null): string {
  return join(dirname(transactions), `checkpoints_${sample ?? 'all'}`);
}

function requiredPath(value: unknown, name: string): string {
  const path = optionalPath(value, name);
  if (path === null) throw new OptionError(`options.${name} is required (a file path)`);
  return path;
}

function optionalPath(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0) {
    throw new OptionError(`options.${name} must be a non-empty path string, got ${shown(value)}`);
  }
  requireBase(value);
  return resolve(value);
}

function optionalInt(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const tooLarge = typeof value === 'number' && value > max && max === Number.MAX_SAFE_INTEGER;
    const range = tooLarge
      ? `of at most 2^53 - 1`
      : max === Number.MAX_SAFE_INTEGER
        ? `of at least ${min}`
        : `from ${min} to ${max}`;
    throw new OptionError(`options.${name} must be an integer ${range}, got ${shown(value)}`);
  }
  return value;
}

function optionalBool(value: unknown, name: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') {
    throw new OptionError(`options.${name} must be true or false, got ${shown(value)}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    // A slip of a value is said with the value meant, as a slip of a name is (trial HH).
    const near = typeof value === 'string' ? nearestName(value, allowed) : undefined;
    const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
    throw new OptionError(
      `options.${name} must be one of ${allowed.join(', ')}, got ${shown(value)}${hint}`,
    );
  }
  return value as T;
}

function resolveStep(value: unknown): StepName | null {
  return oneOf(value, 'resumeFrom', STEPS);
}

/**
 * A size in bytes: a number, or text such as `4g` or `512m` (see parseSize). A fraction of a
 * byte rounds down in either form (a trial found `"1048576.5"` taken and 1048576.5 refused).
 */
function resolveBudget(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const whole = typeof value === 'number' ? Math.floor(value) : null;
  const bytes = whole !== null && Number.isSafeInteger(whole) ? whole : null;
  const parsed = typeof value === 'string' ? parseSize(value) : bytes;
  if (parsed === null || parsed < MIN_BUDGET || parsed > MAX_BUDGET) {
    throw new OptionError(
      'options.memoryBudget must be a size from 1m to 8000t: bytes, or a number with a k, m, g ' +
        `or t suffix (e.g. 4g, 512m), got ${shown(value)}`,
    );
  }
  return parsed;
}

/** About 107 M rows: rows × 20 float64 columns stay under 2^31 values (16 GiB). */
export const MAX_SYNTHETIC = Math.floor((2 ** 31 - 1) / 20) - 1;

/**
 * A ratio r asks for at least r − 1 synthetic rows per majority train row (the minority is at
 * most the majority), so past this one SMOTE always asks for more than MAX_SYNTHETIC: refused
 * here, where a dry run sees it too (a trial's 1e300 passed the dry run, and the run then
 * printed a 300-digit row count).
 */
const MAX_RATIO = MAX_SYNTHETIC + 1;

function resolveRatio(value: unknown): number {
  if (value === undefined || value === null) return DEFAULTS.smoteRatio;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new OptionError(`options.smoteRatio must be a finite number, got ${shown(value)}`);
  }
  if (value > MAX_RATIO) {
    throw new OptionError(
      `options.smoteRatio must be at most ${MAX_RATIO.toLocaleString('en-US')} (SMOTE adds ` +
        `at most ${MAX_SYNTHETIC.toLocaleString('en-US')} rows), got ${shown(value)}`,
    );
  }
  return value;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Shares are kept as decimal text: 0.6 has no exact binary form, and ties must be exact. */
function resolveSplit(value: unknown): readonly [string, string, string] {
  if (value === undefined || value === null) return DEFAULTS.split;
  const parts =
    typeof value === 'string'
      ? value.split(',').map((p) => p.trim())
      : Array.isArray(value)
        ? value.map((v: unknown) => (typeof v === 'number' ? decimalText(v) : v))
        : null;
  const bad = () =>
    new OptionError(
      'options.split must be three positive decimal shares summing to 1 (e.g. 0.6,0.2,0.2), ' +
        `got ${shown(value)}${floatingPointHint(value) || sumHint(parts)}`,
    );
  if (parts === null || parts.length !== 3) throw bad();
  refuseMixedSplit(value);
  if (!parts.every((p): p is string => typeof p === 'string')) throw bad();
  const [train, validation, test] = parts;
  if (train === undefined || validation === undefined || test === undefined) throw bad();
  if (!areShares(parts)) throw bad();
  // One spelling per share: `.6` and `0.60` are 0.6, and a rerun that spells the same
  // split otherwise must not recompute the steps after it (a fresh-user trial).
  return [canonical(train), canonical(validation), canonical(test)] as const;
}

/**
 * Refuses a split array of numbers and texts together (`[0.6, '0.2', 0.2]`): the type and
 * README offer three numbers or three texts, and a mix is more likely a slip (a share read
 * from a file beside two typed ones) than a choice.
 */
function refuseMixedSplit(value: unknown): void {
  if (!Array.isArray(value)) return;
  const numbers = value.filter((v) => typeof v === 'number').length;
  const texts = value.filter((v) => typeof v === 'string').length;
  if (numbers === 0 || texts === 0) return;
  const numbered = DEFAULTS.split.join(', ');
  const quoted = DEFAULTS.split.map((t) => `'${t}'`).join(', ');
  throw new OptionError(
    `options.split mixes numbers and texts, got ${shown(value)}: give three numbers ` +
      `([${numbered}]) or three decimal texts ([${quoted}])`,
  );
}

/** A decimal share in its shortest spelling: no leading zeros but one, no trailing zeros. */
function canonical(share: string): string {
  const [whole = '', fraction = ''] = share.split('.');
  const digits = whole.replace(/^0+(?=\d)/, '') || '0';
  const kept = fraction.replace(/0+$/, '');
  return kept === '' ? digits : `${digits}.${kept}`;
}

/**
 * Shares given as numbers that sum to 1 only up to floating point (1 - 0.2 - 0.2 is
 * 0.6000000000000001): said, since the numbers look right where they were computed.
 */
function floatingPointHint(value: unknown): string {
  // Only when the sum is what is wrong: three positive finite numbers (a trial's [0.5, 0.5]
  // and [1, 0, 0] were told to round their shares).
  if (!Array.isArray(value) || value.length !== 3) return '';
  if (!value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) return '';
  const sum = (value as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9) return '';
  return (
    `; as numbers they are ${value.map((v) => decimalText(v as number)).join(', ')}, which ` +
    'sum to 1 only up to floating point: round them, or give the shares as text'
  );
}

/**
 * True for positive decimal texts whose sum is exactly 1: split shares, as a run takes them
 * and as readers check a manifest's.
 */
export function areShares(parts: readonly string[]): boolean {
  if (!parts.every((p) => DECIMAL.test(p))) return false;
  return sharesSumToOne(parts) && parts.every((p) => Number(p) > 0);
}

function sharesSumToOne(parts: readonly string[]): boolean {
  const { units, scale } = decimalUnits(parts);
  return units === 10n ** BigInt(scale);
}

/** The exact sum of decimal texts, as whole `units` of 10^-scale. */
function decimalUnits(parts: readonly string[]): { units: bigint; scale: number } {
  const scale = Math.max(...parts.map((p) => (p.split('.')[1] ?? '').length));
  const units = parts.map((p) => {
    const [whole = '0', frac = ''] = p.split('.');
    return BigInt((whole || '0') + frac.padEnd(scale, '0'));
  });
  return { units: units.reduce((a, b) => a + b, 0n), scale };
}

/** What three decimal shares that miss 1 sum to (`0.6,0.2,0.3`: 1.1), or nothing. */
function sumHint(parts: readonly unknown[] | null): string {
  if (parts?.length !== 3 || !parts.every((p) => typeof p === 'string' && DECIMAL.test(p))) {
    return '';
  }
  const { units, scale } = decimalUnits(parts as string[]);
  if (units === 10n ** BigInt(scale)) return '';
  const digits = units.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `; they sum to ${fraction === '' ? whole : `${whole}.${fraction}`}`;
}

/** The command-line spelling of an option's name: `smoteRatio` is `smote-ratio`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
