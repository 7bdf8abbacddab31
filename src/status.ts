import { existsSync, lstatSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { acquireLock, LOCK_FILE } from './checkpoint/lock.js';
import {
  isAmlprepFolder,
  isFile,
  OUTPUT_NAMES,
  refuseSpecialFiles,
  removeLeftoverScratch,
  scratchFiles,
  unfinishedOutputs,
} from './checkpoint/ownership.js';
import {
  CheckpointStore,
  damagedStoreError,
  isEmptyFolder,
  refuseDenied,
  removeEmptyFolder,
  STORE_FILE,
  type StepRecord,
} from './checkpoint/store.js';
import { deniedAccess, deniedMessage, folderKind } from './access.js';
import { booleanOption, optionsArgument, pathArgument } from './api-arguments.js';
import { CheckpointError, InputError } from './errors.js';
import { STEPS, type StepName } from './options.js';
import { MANIFEST_FILE } from './output/manifest-file.js';

export interface StepStatus {
  step: StepName;
  /** The completion record, or null when the step has not finished. */
  record: StepRecord | null;
  /** Chunk records present for the step (finished or not). */
  chunksDone: number;
  /** Chunks the step was planned with, when it has started. */
  chunksTotal: number | null;
  /**
   * True when the record was made on top of another record of the step before it: that step
   * was recomputed since (other options, or a run that stopped before this step), so a run
   * with the latest options will not reuse this one as it stands. Also true on top of a
   * stale record.
   */
  stale: boolean;
}

/**
 * The checkpoints of an output folder, step by step (SPEC §10 `status`). It takes no options:
 * any given are refused, as the other functions refuse keys they do not know (a library trial
 * found `status(dir, { json: true })` silently accepted).
 */
export async function status(dir: string, options?: Record<string, never>): Promise<StepStatus[]> {
  pathArgument(dir, 'dir');
  optionsArgument(options, {});
  refuseNonFolder(dir, 'status reads an output folder');
  refuseDeniedFolder(dir);
  refuseSpecialFiles(dir);
  if (!CheckpointStore.exists(dir)) {
    // Outputs without a store: `clean` removed the checkpoints and kept the outputs. After
    // `clean --outputs` the folder is as empty as one nothing ran in, and nothing tells the
    // two apart: the words hold for both ("nothing has run" was wrong after a clean).
    const why = isAmlprepFolder(dir)
      ? 'outputs are here, but their checkpoints were removed, as clean does'
      : 'no checkpoints or outputs in this folder';
    throw new CheckpointError(`${dir}: no checkpoint store here (${why})`);
  }
  // A store a kill left half made holds no record: every step is yet to run.
  if (CheckpointStore.isUnfinished(dir)) {
    return STEPS.map((step) => ({
      step,
      record: null,
      chunksDone: 0,
      chunksTotal: null,
      stale: false,
    }));
  }
  const store = CheckpointStore.open(dir, { readOnly: true });
  try {
    return listSteps(store);
  } catch (error) {
    throw damagedStoreError(error, dir);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** Each step's entry, read from an open store. */
function listSteps(store: CheckpointStore): StepStatus[] {
  const counts = store.chunkCounts();
  let staleBefore = false;
  return STEPS.map((step, i) => {
    const record = store.step(step) ?? null;
    const before = i === 0 ? null : (store.step(STEPS[i - 1]!) ?? null);
    // Each fingerprint covers the one of the step before (`previous` in its basis), and a
    // record made on top of a stale one is as out of date.
    const stale =
      record !== null &&
      before !== null &&
      (record.basis.previous !== before.fingerprint || staleBefore);
    staleBefore = stale;
    return {
      step,
      record,
      chunksDone: counts.get(step) ?? 0,
      chunksTotal: store.plan(step)?.chunks ?? null,
      stale,
    };
  });
}

/** Removes the checkpoints (and, when asked, the outputs) of an output folder. */
export function clean(dir: string, options?: { outputs?: boolean | null } | null): string[] {
  pathArgument(dir, 'dir');
  const { outputs } = optionsArgument(options, { outputs: true });
  booleanOption(outputs, 'outputs');
  refuseNonFolder(dir, 'clean takes an output folder');
  refuseDeniedFolder(dir);
  refuseDenied(join(dir, STORE_FILE), false);
  refuseSpecialFiles(dir, { locking: true });
  // Output names are common words: only a folder that is amlprep's loses them, and its
  // scratch (a slip of the folder name removed another's `edges.arrow.tmp`: trial HH).
  const scratch = scratchFiles(dir);
  if ((outputs === true || scratch.length > 0) && !isAmlprepFolder(dir)) {
    // Said with the files that made a plain clean refuse (trial JJ: nothing named them).
    const held = scratch.length === 0 ? '' : `; it holds ${scratch.join(', ')}, amlprep's names`;
    throw new CheckpointError(
      `${dir}: not an amlprep output folder (no amlprep checkpoint store, no ${MANIFEST_FILE} ` +
        `written by amlprep)${held}; nothing removed`,
    );
  }
  // A damaged store goes (the run's message for it says to clean), with the outputs of a run
  // that never finished beside it; only a sound LMDB file without amlprep's tables is kept as
  // another program's.
  if (CheckpointStore.damage(dir) === null && CheckpointStore.isForeign(dir)) {
    throw new CheckpointError(
      `${join(dir, 'checkpoints.mdb')} is an LMDB file without amlprep's tables, not an ` +
        'amlprep checkpoint store; nothing removed',
    );
  }
  const store = join(dir, STORE_FILE);
  if (statSync(store, { throwIfNoEntry: false })?.isDirectory() === true && !isEmptyFolder(store)) {
    throw new CheckpointError(
      `${store} is a folder with files in it, not a checkpoint store; move it away ` +
        '(nothing removed)',
    );
  }
  // A run in progress holds the lock; cleaning under it would orphan its checkpoints. One a
  // killed run left is taken over, and goes with the rest: it is listed too.
  const staleLock = existsSync(join(dir, LOCK_FILE));
  const lock = acquireLock(dir);
  try {
    const unfinished = unfinishedOutputs(dir);
    const removed = removeFiles(dir, outputs === true);
    if (staleLock) removed.push(join(dir, LOCK_FILE));
    for (const name of outputs === true ? [] : unfinished) {
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
    return removed;
  } finally {
    lock.release();
  }
}

function removeFiles(dir: string, outputs: boolean): string[] {
  const removed: string[] = [];
  // Files only: a folder under one of the output names is not amlprep's and stays.
  const remove = (name: string): void => {
    if (!isFile(dir, name)) return;
    rmSync(join(dir, name), { force: true });
    removed.push(join(dir, name));
  };
  // An empty folder in place of the store goes too (the run's message for one says to
  // clean); clean() has refused any other folder there before anything was removed.
  const store = join(dir, STORE_FILE);
  if (statSync(store, { throwIfNoEntry: false })?.isDirectory() === true) {
    removeEmptyFolder(store);
    removed.push(store);
  } else if (existsSync(store) || lstatSync(store, { throwIfNoEntry: false }) !== undefined) {
    rmSync(store, { force: true });
    removed.push(store);
  }
  remove('checkpoints.mdb-lock');
  // Scratch of a killed run (a spill, output files half written, links at those names), as a
  // run removes it as it starts.
  removed.push(...removeLeftoverScratch(dir).map((name) => join(dir, name)));
  if (outputs) for (const file of OUTPUT_NAMES) remove(file);
  return removed;
}

/** A folder this user may not list: its store would read as missing (no checkpoints). */
function refuseDeniedFolder(dir: string): void {
  const denied = deniedAccess(dir, { folder: true });
  if (denied !== null) throw new CheckpointError(deniedMessage('read', dir, denied));
}

/**
 * Refuses a `dir` that is missing or not a folder. A path through a file (`data.csv/run`, or
 * `data.csv/`) is not a folder, as inspect and export say, not a missing one (a trial). Both
 * are InputErrors, as a missing or wrong path is to every other command: nothing is wrong
 * with a checkpoint store, and a script branching on ERR_AMLPREP_CHECKPOINT would send the
 * user to `clean` or `--fresh` for a typo.
 */
function refuseNonFolder(dir: string, why: string): void {
  const kind = folderKind(dir);
  if (kind === 'missing') throw new InputError(`${dir}: no such folder`);
  if (kind === 'other') throw new InputError(`${dir}: not a folder (${why})`);
}
