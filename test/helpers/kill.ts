import { setTimeout as sleep } from 'node:timers/promises';

import { status, type StepName, type StepStatus } from '../../src/index.js';
import { spawnCli, type CliResult } from './cli.js';

/** When to send SIGKILL to a run, counted from the start of its process. */
export type Moment =
  /** Right after (or `delayMs` after) a stderr line matching the pattern. */
  | { afterLine: RegExp; delayMs?: number }
  /** As soon as `step` has `atLeast` chunk records and is not finished. */
  | { chunksOf: StepName; atLeast: number }
  | { afterMs: number };

export interface Kill {
  /** What the killed process printed, and how it ended. */
  killed: CliResult;
  /** True when SIGKILL arrived before the run finished on its own. */
  interrupted: boolean;
  /** The checkpoint store as the kill left it (null when there is none). */
  store: StepStatus[] | null;
}

/** Starts `amlprep ...args` and SIGKILLs it at `moment`; `out` is its output folder. */
export async function killAt(args: readonly string[], out: string, moment: Moment): Promise<Kill> {
  const cli = spawnCli(args);
  if ('afterLine' in moment) {
    const line = await cli.waitForStderr(moment.afterLine);
    if (line !== null && moment.delayMs !== undefined) await sleep(moment.delayMs);
  } else if ('chunksOf' in moment) {
    await untilChunks(out, moment.chunksOf, moment.atLeast, cli.done);
  } else {
    await sleep(moment.afterMs);
  }
  cli.child.kill('SIGKILL');
  const killed = await cli.done;
  return { killed, interrupted: killed.signal === 'SIGKILL', store: await storeOf(out) };
}

/**
 * Polls the store (LMDB allows readers beside the writer) until `step` has at least `atLeast`
 * chunk records or a completion record, or the run ends.
 */
async function untilChunks(
  out: string,
  step: StepName,
  atLeast: number,
  exited: Promise<unknown>,
): Promise<void> {
  let running = true;
  void exited.then(() => {
    running = false;
  });
  while (running) {
    const s = (await storeOf(out))?.find((x) => x.step === step);
    if (s !== undefined && (s.record !== null || s.chunksDone >= atLeast)) return;
    await sleep(5);
  }
}

/** The library's `status()`, or null when the folder has no store yet. */
export async function storeOf(out: string): Promise<StepStatus[] | null> {
  try {
    return await status(out);
  } catch {
    return null;
  }
}

/** The step a kill interrupted: the first one without a completion record. */
export function unfinished(store: StepStatus[] | null): StepStatus | undefined {
  return store?.find((s) => s.record === null);
}
