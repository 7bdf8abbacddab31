import { existsSync, rmSync } from 'node:fs';
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
  // Output names are common words (nodes.arrow): a folder amlprep never wrote to is left alone.
  const ours = ['checkpoints.mdb', MANIFEST_FILE].some((name) => existsSync(join(dir, name)));
  if (options.outputs === true && existsSync(dir) && !ours) {
    throw new CheckpointError(
      `${dir}: not an amlprep output folder (no checkpoints.mdb, no ${MANIFEST_FILE}); ` +
        'nothing removed',
    );
  }
  // A run in progress holds the lock; cleaning under it would orphan its checkpoints.
  const lock = existsSync(dir) ? acquireLock(dir) : null;
  try {
    return removeFiles(dir, options);
  } finally {
    lock?.release();
  }
}

function removeFiles(dir: string, options: { outputs?: boolean }): string[] {
  const removed: string[] = [];
  const remove = (name: string): void => {
    const path = join(dir, name);
    if (existsSync(path)) {
      rmSync(path, { force: true, recursive: true });
      removed.push(path);
    }
  };
  remove('checkpoints.mdb');
  remove('checkpoints.mdb-lock');
  // Scratch of a streamed run that was killed; never read by a later run.
  remove(SPILL_FILE);
  if (options.outputs === true) {
    for (const file of Object.values(OUTPUT_FILES)) {
      remove(file);
      remove(`${file}.tmp`);
    }
    remove(MANIFEST_FILE);
    remove('rejected_rows.csv');
  }
  return removed;
}
