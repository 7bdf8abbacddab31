import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { optionsObject, shown } from '../api-arguments.js';
import { requireBase } from '../current-folder.js';
import { OptionError } from '../errors.js';
import { checkSignal } from '../options.js';

/** Options of `generate()`. */
export interface GenerateOptions {
  /** Data rows in the transactions file, laundering rows included. Required. */
  rows: number;
  /** Accounts to create, at least 32; those never drawn still go to the accounts file. */
  accounts: number;
  /** Path of the transactions CSV. Required. */
  out: string;
  /** Seed of every random choice, 0 to 2^32 - 1; same options, same bytes. Default: 42. */
  seed?: number | null;
  /** Path of the accounts CSV. Default: not written. */
  accountsOut?: string | null;
  /** Path of the patterns file. Default: not written. */
  patternsOut?: string | null;
  /** Share of rows that are laundering, 0 to 0.5. Default: 0.001 (as in HI-Small). */
  launderingShare?: number | null;
  /** Replace files that exist at the output paths. Default: false, they are refused. */
  overwrite?: boolean | null;
  /**
   * Stops the writing between blocks of rows: the call rejects with an AbortedError and
   * leaves none of its files (as a SIGINT does to the command).
   */
  signal?: AbortSignal | null;
}

export interface ResolvedGenerateOptions {
  readonly rows: number;
  readonly accounts: number;
  readonly out: string;
  readonly seed: number;
  readonly accountsOut: string | undefined;
  readonly patternsOut: string | undefined;
  readonly launderingShare: number;
  readonly overwrite: boolean;
  readonly signal: AbortSignal | null;
}

export const GENERATE_DEFAULTS = Object.freeze({ seed: 42, launderingShare: 0.001 });

/** Every attempt has at most 18 distinct accounts; 32 keeps picking them cheap. */
export const MIN_ACCOUNTS = 32;
/** Accounts live in typed arrays; 2^24 (HI-Large has about 2 M) keeps them well in memory. */
export const MAX_ACCOUNTS = 16_777_216;
export const MAX_ROWS = 10_000_000_000;

/** How an error message names an option; the CLI passes its flag names. */
export type OptionNamer = (option: keyof GenerateOptions) => string;

/**
 * Checks every option once, naming the option in the error (`options.rows`, as `run()` does;
 * the CLI passes its flag names), and fills in defaults.
 */
export function resolveGenerateOptions(
  given: GenerateOptions,
  nameOf: OptionNamer = (option) => `options.${option}`,
): ResolvedGenerateOptions {
  // A misspelt key (`accountsout`) would leave that file unwritten without a word.
  const options = optionsObject(given, Object.keys(KNOWN_KEYS));
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  const share = options.launderingShare ?? GENERATE_DEFAULTS.launderingShare;

  // Said as run() says its required transactions (trial W: "got undefined").
  requireOption(nameOf('rows'), options.rows, 'the number of data rows to write');
  checkInteger(nameOf('rows'), options.rows, 1, MAX_ROWS);
  requireOption(nameOf('accounts'), options.accounts, 'the number of accounts to create');
  checkInteger(nameOf('accounts'), options.accounts, MIN_ACCOUNTS, MAX_ACCOUNTS);
  // The range `run --seed` takes too, so one seed can drive both.
  checkInteger(nameOf('seed'), seed, 0, 0xffffffff);
  // null is "not given", as in run() and the other functions (a library trial found it refused).
  const overwrite = options.overwrite ?? undefined;
  if (overwrite !== undefined && typeof overwrite !== 'boolean') {
    throw new OptionError(`${nameOf('overwrite')} must be true or false, got ${shown(overwrite)}`);
  }
  if (!(share >= 0 && share <= 0.5)) {
    throw new OptionError(`${nameOf('launderingShare')} must be from 0 to 0.5, got ${share}`);
  }

  checkSignal(options.signal, nameOf('signal'));

  const out = checkPath(nameOf('out'), options.out);
  const accountsOut = optionalPath(nameOf('accountsOut'), options.accountsOut ?? undefined);
  const patternsOut = optionalPath(nameOf('patternsOut'), options.patternsOut ?? undefined);
  checkDistinct({
    [nameOf('out')]: out,
    [nameOf('accountsOut')]: accountsOut,
    [nameOf('patternsOut')]: patternsOut,
  });

  return {
    rows: options.rows,
    accounts: options.accounts,
    out,
    seed,
    accountsOut,
    patternsOut,
    launderingShare: share,
    overwrite: overwrite === true,
    signal: options.signal ?? null,
  };
}

const KNOWN_KEYS: Record<keyof GenerateOptions, true> = {
  rows: true,
  accounts: true,
  out: true,
  seed: true,
  accountsOut: true,
  patternsOut: true,
  launderingShare: true,
  overwrite: true,
  signal: true,
};

function requireOption(name: string, value: unknown, what: string): void {
  if (value === undefined || value === null) throw new OptionError(`${name} is required (${what})`);
}

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return;
  }
  throw new OptionError(`${name} must be an integer from ${min} to ${max}, got ${shown(value)}`);
}

function checkPath(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new OptionError(`${name} must be a file path, got ${JSON.stringify(value)}`);
  }
  requireBase(value);
  return value;
}

function optionalPath(name: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : checkPath(name, value);
}

function checkDistinct(paths: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [name, path] of Object.entries(paths)) {
    if (path === undefined) continue;
    const file = canonical(path);
    const other = seen.get(file);
    if (other !== undefined) throw new OptionError(`${name} and ${other} name the same file`);
    seen.set(file, name);
  }
}

/**
 * `path` with the folders that exist of it resolved through symbolic links: `link/x.csv` and
 * `x.csv`, where `link` points at `.`, are one file, and writing both would interleave them.
 */
function canonical(path: string): string {
  let folder = dirname(resolve(path));
  const rest: string[] = [basename(path)];
  for (;;) {
    try {
      return join(realpathSync(folder), ...rest);
    } catch {
      if (dirname(folder) === folder) return resolve(path);
      rest.unshift(basename(folder));
      folder = dirname(folder);
    }
  }
}
