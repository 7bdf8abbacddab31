import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { makeOutputFolder } from '../checkpoint/folder.js';
import { isRunFolderName } from '../checkpoint/ownership.js';
import { keptFiles, type KeptFiles } from './atomic-file.js';
import { optionsArgument, pathArgument, runFolderArgument, shown } from '../api-arguments.js';
import { claimPaths } from '../busy-paths.js';
import { realPathOf } from '../real-path.js';
import { acquireLock, EXPORT_LOCK, runHolding, whileHeld } from '../checkpoint/lock.js';
import { AbortedError, OptionError } from '../errors.js';
import { checkSignal } from '../options.js';
import {
  changedOutputError,
  readManifest,
  refuseImpossibleRows,
  refuseInconsistentCounts,
} from '../read-outputs.js';
import type { Manifest } from '../output/manifest.js';
import {
  removeEmptyFolder,
  removeTempFilesSince,
  trackedTempFiles,
  trackFolders,
  trackTempFile,
  untrackFolders,
  untrackTempFile,
} from '../temp-files.js';
import { exportCsv } from './export-csv.js';
import { exportMultiGnn, type AmountSource, type MultiGnnOptions } from './export-multignn.js';
import { exportNpy } from './export-npy.js';
import { EXPORT_FILE_NAMES, removeLeftoverTemps } from './file-names.js';

/** Frozen, as every constant the package exports (see STEPS). */
export const EXPORT_FORMATS = Object.freeze(['npy', 'csv', 'multignn'] as const);
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Options of `exportRun`: multignn's own, and `signal`, which stops any export between record
 * batches (it then rejects with an AbortedError and leaves none of its files).
 */
export type ExportOptions = MultiGnnOptions & { signal?: AbortSignal | null };
export type { AmountSource };

export interface ExportResult {
  format: ExportFormat;
  /** The folder written to. */
  out: string;
  /** Every file written, in the order written. */
  files: string[];
  /** How choices were made (for example where amounts came from). */
  notes: string[];
}

/**
 * Converts the outputs of a finished run in `dir` to another format, in `out` (default:
 * `<dir>/<format>`). Each file appears whole or not at all. Rejects with an `OptionError` for
 * an unknown format, an `InputError` when `dir` holds no finished run and an `OutputError`
 * when the target folder cannot be created.
 */
export async function exportRun(
  dir: string,
  format: ExportFormat,
  out?: string | null,
  given?: ExportOptions | null,
): Promise<ExportResult> {
  runFolderArgument(dir, 'export');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new OptionError(
      `format must be one of ${EXPORT_FORMATS.join(', ')}, got ${shown(format)}`,
    );
  }
  // An empty `out` wrote into the current folder (a fresh-user trial), replacing its files.
  if (out !== undefined && out !== null) pathArgument(out, 'out');
  const options = optionsArgument(given, { transactions: true, amounts: true, signal: true });
  checkSignal(options.signal, 'options.signal');
  refuseMultiGnnOnly(format, options);
  if (options.amounts != null && !['source', 'derived'].includes(options.amounts)) {
    throw new OptionError(
      `options.amounts must be 'source' or 'derived', got ${shown(options.amounts)}`,
    );
  }
  if (options.transactions != null) pathArgument(options.transactions, 'options.transactions');
  // Derived amounts read no file: a file named beside them was ignored without a word.
  if (options.amounts === 'derived' && options.transactions != null) {
    throw new OptionError(
      "options.transactions is not read with options.amounts 'derived' (the amounts are " +
        'rebuilt from edges.arrow): give one or the other',
    );
  }
  const target = resolve(out ?? join(dir, format));
  refuseRunFolderName(dir, target);
  const release = claimPaths([target], 'exportRun()');
  const before = runHolding(dir);
  try {
    return await exportClaimed(dir, format, readManifest(dir), target, options);
  } catch (error) {
    throw whileHeld(await changedOutputError(error, dir), dir, before);
  } finally {
    release();
  }
}

async function exportClaimed(
  dir: string,
  format: ExportFormat,
  manifest: Manifest,
  target: string,
  options: ExportOptions,
): Promise<ExportResult> {
  // Checked before the target folder is made: the writers size their arrays by these counts.
  refuseInconsistentCounts(dir, manifest);
  refuseImpossibleRows(dir, manifest, format === 'multignn' ? ['edges'] : undefined);
  // A read-only folder, or a file in the way, is the user's to fix: one line naming the
  // folder and the reason (an OutputError), not an internal fault.
  // The run's inputs are never replaced: a target folder holding them under a name written
  // here (edges.csv, formatted_transactions.csv) lost the run's own transactions file, and
  // one at a name removed here (a `.tmp` name, the lock) was removed (trial GG).
  const keep = keptFiles([
    ['transactions', manifest.inputs?.transactions?.path],
    ['accounts', manifest.inputs?.accounts?.path],
    ['patterns', manifest.inputs?.patterns?.path],
    ['transactions', options.transactions],
  ]);
  refuseKeptScratch(target, keep);
  const made = makeOutputFolder(target);
  // A signal that ends the CLI meanwhile removes them too, while they are empty.
  trackFolders(made);
  const before = trackedTempFiles();
  let lock: ExportLock;
  try {
    lock = exportLock(target, format);
  } catch (error) {
    for (const folder of [...made].reverse()) if (!removeEmptyFolder(folder)) break;
    untrackFolders(made);
    throw error;
  }

  const signal = options.signal ?? null;
  try {
    // Already stopped: nothing is written.
    if (signal?.aborted === true) throw AbortedError.of(signal, 'export');
    const written = await exportFormat(dir, format, manifest, target, { options, keep, signal });
    return { format, out: target, ...written, notes: [...lock.notes, ...written.notes] };
  } catch (error) {
    // A refusal (a changed --transactions file, a file of another run, a folder at one of
    // the names) leaves none of the files it had opened, nor the empty folders it made;
    // rmdir removes nothing that holds a file. Only files in its folder are this export's:
    // another call of this process may be writing elsewhere meanwhile.
    removeTempFilesSince(before, target);
    lock.release();
    for (const folder of [...made].reverse()) if (!removeEmptyFolder(folder)) break;
    throw error;
  } finally {
    lock.release();
    untrackFolders(made);
  }
}

async function exportFormat(
  dir: string,
  format: ExportFormat,
  manifest: Manifest,
  target: string,
  how: { options: ExportOptions; keep: KeptFiles; signal: AbortSignal | null },
): Promise<{ files: string[]; notes: string[] }> {
  const { options, keep, signal } = how;
  switch (format) {
    case 'npy':
      return { files: await exportNpy(dir, manifest, target, keep, signal), notes: [] };
    case 'csv':
      return { files: await exportCsv(dir, manifest, target, keep, signal), notes: [] };
    case 'multignn':
      return exportMultiGnn(dir, manifest, target, options, keep, signal);
  }
}

/**
 * Refuses a target at a name the run keeps a file by in its own folder (`--out
 * DIR/manifest.json.tmp`): the folder made there stopped every later run (trial HH).
 */
function refuseRunFolderName(dir: string, target: string): void {
  if (realPathOf(dirname(target)) !== realPathOf(dir)) return;
  if (!isRunFolderName(basename(target))) return;
  throw new OptionError(
    `${target} is a name the run keeps a file by in ${dir}; export to another folder`,
  );
}

/** Refuses an input at a name an export removes in `target`: a `.tmp` name or the lock. */
function refuseKeptScratch(target: string, keep: KeptFiles): void {
  const names = Object.values(EXPORT_FILE_NAMES).flatMap((files) => files.map((f) => `${f}.tmp`));
  for (const name of [...names, EXPORT_LOCK.file]) {
    const kept = keep.get(realPathOf(join(target, name)));
    if (kept === undefined) continue;
    throw new OptionError(
      `${kept} is at a name this export removes (${join(target, name)}); export to another ` +
        'folder',
    );
  }
}

interface ExportLock {
  release: () => void;
  /** What the folder showed of a killed export, for the result's notes. */
  notes: string[];
}

/**
 * The target folder's export lock. Listed with the temporary files, so that a signal that
 * ends the CLI removes it with them; released (once) when the export ends by itself. A
 * killed export's `.tmp` files go; when they were another format's, that format's files here
 * may be half of one export and half of an earlier one (trial T), which a note says.
 */
function exportLock(target: string, format: ExportFormat): ExportLock {
  const path = join(target, EXPORT_LOCK.file);
  const lock = acquireLock(target, EXPORT_LOCK);
  const killedAt = lock.replacedStart === null ? NaN : Date.parse(lock.replacedStart);
  trackTempFile(path);
  // Only a lock taken over shows a killed export: without one, other `.tmp` files there are
  // not an export's to remove (trial GG lost files so named without a word).
  const notes = (lock.tookOver ? removeLeftoverTemps(target) : [])
    .filter((other) => other !== format && renamedSince(target, other, killedAt))
    .map(
      (other) =>
        `an export killed while it renamed its ${other} files into ${target} left some of ` +
        `them unrenamed (removed now): the ${other} files there may come from two exports; ` +
        `export --format ${other} again`,
    );
  let held = true;
  return {
    notes,
    release: () => {
      if (!held) return;
      held = false;
      untrackTempFile(path);
      lock.release();
    },
  };
}

/**
 * Whether a file of `format` in `target` was written since `since` (a killed export's start):
 * that export renamed it before it was killed, so the format's files are of two exports. One
 * killed before any rename left only `.tmp` files (trial U: it was noted all the same).
 * Without a start (NaN: a torn lock), any file of the format counts.
 */
function renamedSince(target: string, format: ExportFormat, since: number): boolean {
  return EXPORT_FILE_NAMES[format].some((name) => {
    const stats = statSync(join(target, name), { throwIfNoEntry: false });
    return stats !== undefined && (Number.isNaN(since) || stats.mtimeMs >= since);
  });
}

/** Options that only the multignn format reads: given with another format, a slip. */
function refuseMultiGnnOnly(format: ExportFormat, options: ExportOptions): void {
  const given = Object.keys(options).filter(
    (k) => k !== 'signal' && options[k as keyof ExportOptions] != null,
  );
  if (format === 'multignn' || given.length === 0) return;
  throw new OptionError(
    `options.${given.join(', options.')} ${given.length === 1 ? 'applies' : 'apply'} to the ` +
      `multignn format only, not ${format}`,
  );
}
