import { lstatSync, type Stats } from 'node:fs';
import { rm } from 'node:fs/promises';

import { claimPaths } from '../busy-paths.js';
import { AbortedError, OutputError } from '../errors.js';
import { kindOf } from '../file-kind.js';
import { writeAccounts } from './accounts-file.js';
import { trackTempFile, untrackTempFile } from '../temp-files.js';
import { FileSink } from './file-sink.js';
import { planLaundering, type LaunderingPlan } from './laundering.js';
import {
  resolveGenerateOptions,
  type GenerateOptions,
  type ResolvedGenerateOptions,
} from './options.js';
import { writePatterns } from './patterns-file.js';
import { MAX_ROW_BYTES } from './row-encoder.js';
import { TransactionStream } from './transaction-stream.js';
import { TRANSACTIONS_HEADER, type Typology } from './vocab.js';
import { buildWorld, type World } from './world.js';

export {
  GENERATE_DEFAULTS,
  MAX_ACCOUNTS,
  MAX_ROWS,
  MIN_ACCOUNTS,
  resolveGenerateOptions,
} from './options.js';
export type { GenerateOptions, OptionNamer, ResolvedGenerateOptions } from './options.js';
export { CURRENCIES, FORMATS, TYPOLOGIES, type Typology } from './vocab.js';

/** What `generate()` wrote. Optional files appear only when asked for. */
export interface GenerateResult {
  readonly files: { transactions: string; accounts?: string; patterns?: string };
  readonly bytes: { transactions: number; accounts?: number; patterns?: number };
  /** Data rows in the transactions file, laundering included. */
  readonly rows: number;
  readonly launderingRows: number;
  /** Laundering attempts planted, per typology. */
  readonly attempts: Readonly<Record<Typology, number>>;
  readonly accounts: number;
  readonly seed: number;
}

/**
 * Writes synthetic data in the AMLworld layout: a transactions CSV and, when asked, the
 * matching accounts and patterns files. Same options, byte-identical files. Rejects with
 * OptionError for bad options and OutputError when a file cannot be written; files are
 * written under a temporary name and renamed when complete.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const resolved = resolveGenerateOptions(options);
  const release = claimPaths(outputPaths(resolved), 'generate()');
  try {
    return await generateClaimed(resolved);
  } finally {
    release();
  }
}

function outputPaths(resolved: ResolvedGenerateOptions): string[] {
  const paths = [resolved.out, resolved.accountsOut, resolved.patternsOut];
  return paths.filter((path): path is string => path !== undefined);
}

async function generateClaimed(resolved: ResolvedGenerateOptions): Promise<GenerateResult> {
  const stopIfAborted = (): void => {
    if (resolved.signal?.aborted === true) throw AbortedError.of(resolved.signal, 'generate');
  };
  stopIfAborted();
  refuseExisting(resolved);
  const world = buildWorld(resolved.accounts, resolved.seed);

  // Laundering is planned first so ordinary rows can be counted around it. The target
  // stays one row under the total because the last attempt may overshoot by one.
  const target = Math.min(Math.round(resolved.rows * resolved.launderingShare), resolved.rows - 1);
  const plan = planLaundering(world, target, resolved.seed);

  // Every file is opened before any is written: a path that cannot be written fails the
  // command before the others are made, so a failure leaves nothing behind.
  const sinks = await openSinks([resolved.out, resolved.accountsOut, resolved.patternsOut]);
  const [transactionsSink, accountsSink, patternsSink] = sinks;
  try {
    await writeTransactions(transactionsSink!, world, plan, resolved, stopIfAborted);
    if (accountsSink !== undefined) {
      await writeAccounts(accountsSink, world, resolved.seed, stopIfAborted);
    }
    if (patternsSink !== undefined) await writePatterns(patternsSink, plan);
    stopIfAborted();
  } catch (error) {
    await Promise.all(sinks.map((sink) => sink?.abort()));
    throw error;
  }
  const [transactions, accounts, patterns] = await closeAsOneSet(sinks, resolved.overwrite);

  return {
    files: { transactions: resolved.out, ...pathsOf(resolved) },
    bytes: { transactions: transactions!, ...definedOnly({ accounts, patterns }) },
    rows: resolved.rows,
    launderingRows: plan.lines.length,
    attempts: plan.perTypology,
    accounts: resolved.accounts,
    seed: resolved.seed,
  };
}

async function writeTransactions(
  sink: FileSink,
  world: World,
  plan: LaunderingPlan,
  options: ResolvedGenerateOptions,
  stopIfAborted: () => void,
): Promise<void> {
  const stream = new TransactionStream(world, plan, options.rows, options.seed);
  const limit = sink.buffer.length - MAX_ROW_BYTES;

  await sink.writeText(`${TRANSACTIONS_HEADER}\n`);
  while (!stream.done) {
    stopIfAborted();
    sink.position = stream.fill(sink.buffer, sink.position, limit);
    await sink.drain();
  }
}

/**
 * Renames the files into place one by one, each listed for the signal handler (which removes
 * what is listed) until the last is in place: a SIGINT between two renames left the
 * transactions file without its accounts and patterns files, and the same command then
 * refused to replace it (a fresh-user trial). A stop now leaves none. Replacing, a file is
 * listed from just before its rename; otherwise from the moment it is placed, since until
 * then a file at its name is another process's (FileSink.close). A failure leaves none of the
 * set either: the files not placed yet go, and, when nothing was to be replaced, so do the
 * ones placed.
 */
async function closeAsOneSet(
  sinks: (FileSink | undefined)[],
  replace: boolean,
): Promise<(number | undefined)[]> {
  const listed: string[] = [];
  const list = (path: string): void => {
    trackTempFile(path);
    listed.push(path);
  };
  let at = 0;
  try {
    const bytes: (number | undefined)[] = [];
    for (; at < sinks.length; at++) {
      const sink = sinks[at];
      if (sink === undefined) {
        bytes.push(undefined);
        continue;
      }
      if (replace) list(sink.path);
      bytes.push(await sink.close(replace, () => list(sink.path)));
    }
    return bytes;
  } catch (error) {
    await Promise.all(sinks.slice(at + 1).map((sink) => sink?.abort()));
    if (!replace) for (const path of listed) await rm(path, { force: true });
    throw error;
  } finally {
    for (const path of listed) untrackTempFile(path);
  }
}

/** One sink per path given (undefined where none is); on a failure the opened ones go. */
async function openSinks(paths: (string | undefined)[]): Promise<(FileSink | undefined)[]> {
  const sinks: (FileSink | undefined)[] = [];
  try {
    for (const path of paths)
      sinks.push(path === undefined ? undefined : await FileSink.open(path));
  } catch (error) {
    await Promise.all(sinks.map((sink) => sink?.abort()));
    throw error;
  }
  return sinks;
}

/**
 * A file at an output path is refused unless `overwrite` is set, all of them before anything
 * is written: a slip of --out onto a real transactions file must not replace it.
 */
function refuseExisting(options: ResolvedGenerateOptions): void {
  for (const path of [options.out, options.accountsOut, options.patternsOut]) {
    const what = path === undefined ? null : whatIsAt(path);
    if (what === null) continue;
    // The rename would replace a FIFO or a device node too (as root, /dev/null itself):
    // never wanted, --force or not.
    if (what !== 'a file' && what !== 'a symbolic link') {
      throw new OutputError(`${path} is ${what}, not a file; generate writes only files`);
    }
    if (options.overwrite) continue;
    throw new OutputError(
      `${path} exists (${what}); generate replaces it only when asked (--force, or ` +
        'overwrite: true)',
    );
  }
}

/** What stands at `path` that writing there would replace, or null (a folder is refused later). */
function whatIsAt(path: string): string | null {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    // Nothing there, or a parent that is no folder: opening the file says which.
    return null;
  }
  return stats.isDirectory() ? null : kindOf(stats);
}

function pathsOf(options: ResolvedGenerateOptions): { accounts?: string; patterns?: string } {
  return definedOnly({ accounts: options.accountsOut, patterns: options.patternsOut });
}

function definedOnly<T>(record: Record<string, T | undefined>): Record<string, T> {
  const entries = Object.entries(record).filter((entry): entry is [string, T] => {
    return entry[1] !== undefined;
  });
  return Object.fromEntries(entries);
}
