import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { acquireLock } from './checkpoint/lock.js';
import { CheckpointStore, type StepRecord } from './checkpoint/store.js';
import { CheckpointError } from './errors.js';
import { STEPS, type StepName } from './options.js';
import { OUTPUT_FILES } from './output/outputs.js';
import { SPILL_FILE } from './spill/edge-spill.js';
import { MANIFEST_FILE } from './steps/graph-created.js';

export interface StepStatus {
  step: StepName;
  /** The completion record, or null when the step has not finished. */
  record: StepRecord | null;
  /** Chunk records present for the step (finished or not). */
  chunksDone: number;
  /** Chunks the step was planned with, when it has started. */
  chunksTotal: number | null;
}

/** The checkpoints of an output folder, step by step (SPEC §10 `status`). */
export async function status(dir: string): Promise<StepStatus[]> {
  if (!existsSync(dir)) throw new CheckpointError(`${dir}: no such folder`);
  if (!CheckpointStore.exists(dir)) {
    throw new CheckpointError(`${dir}: no checkpoint store here (nothing has run in this folder)`);
  }
  const store = CheckpointStore.open(dir, { readOnly: true });
  try {
    const counts = store.chunkCounts();
    return STEPS.map((step) => ({
      step,
      record: store.step(step) ?? null,
      chunksDone: counts.get(step) ?? 0,
      chunksTotal: store.plan(step)?.chunks ?? null,
    }));
  } finally {
    await store.close();
  }
}

/** Removes the checkpoints (and, when asked, the outputs) of an output folder. */
export function clean(dir: string, options: { outputs?: boolean } = {}): string[] {
  if (!existsSync(dir)) throw new CheckpointError(`${dir}: no such folder`);
  // Output names are common words (nodes.arrow, manifest.json): a folder is taken for
  // amlprep's only by a checkpoint store or a manifest that amlprep wrote.
  if (options.outputs === true && !isFile(dir, 'checkpoints.mdb') && !ourManifest(dir)) {
    throw new CheckpointError(
      `${dir}: not an amlprep output folder (no checkpoint store, no ${MANIFEST_FILE} ` +
        'written by amlprep); nothing removed',
    );
  }
  // A run in progress holds the lock; cleaning under it would orphan its checkpoints.
  const lock = acquireLock(dir);
  try {
    return removeFiles(dir, options);
  } finally {
    lock.release();
  }
}

function isFile(dir: string, name: string): boolean {
  const path = join(dir, name);
  return existsSync(path) && statSync(path).isFile();
}

/** Whether `dir/manifest.json` is a JSON object with amlprep's version key. */
function ourManifest(dir: string): boolean {
  try {
    if (!isFile(dir, MANIFEST_FILE)) return false;
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as unknown;
    return typeof manifest === 'object' && manifest !== null && 'amlprep' in manifest;
  } catch {
    return false;
  }
}

function removeFiles(dir: string, options: { outputs?: boolean }): string[] {
  const removed: string[] = [];
  // Files only: a folder under one of the output names is not amlprep's and stays.
  const remove = (name: string): void => {
    if (!isFile(dir, name)) return;
    rmSync(join(dir, name), { force: true });
    removed.push(join(dir, name));
  };
  // A folder in place of the store is removed too: the run's message for one says to clean.
  const store = join(dir, 'checkpoints.mdb');
  if (existsSync(store)) {
    rmSync(store, { force: true, recursive: true });
    removed.push(store);
  }
  remove('checkpoints.mdb-lock');
  // Scratch of a killed run (a spill, output files half written); never read by a later run.
  remove(SPILL_FILE);
  for (const file of Object.values(OUTPUT_FILES)) remove(`${file}.tmp`);
  if (options.outputs === true) {
    for (const file of Object.values(OUTPUT_FILES)) remove(file);
    remove(MANIFEST_FILE);
    remove('rejected_rows.csv');
  }
  return removed;
}
