import { readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { STEPS, type StepName } from '../src/index.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { sha256Of, type ArrowHashes } from './helpers/hash.js';
import { killAt as killRunAt, unfinished, type Kill, type Moment } from './helpers/kill.js';
import { sampleRunArgs } from './helpers/paths.js';
import { chunksFromCheckpoints, summarySteps } from './helpers/summary.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

// SPEC §10: a SIGKILL at any instant leaves a store from which a rerun continues, redoing at
// most the chunks in flight, and ends with the same Arrow bytes as a run never interrupted.
// 26,751 real rows in chunks of 2,000 on two workers: 14 chunks for each of the first three
// chunked steps (edge_features records only its 14 node-range chunks), so a kill can land
// between chunks.

const tempDir = useTempDirs('resume-kill');
const sharedDir = useSharedTempDirs('resume-kill-baseline');

function args(out: string): string[] {
  return sampleRunArgs(out, 2000);
}

function killAt(out: string, moment: Moment): Promise<Kill> {
  return killRunAt(args(out), out, moment);
}

interface Baseline {
  hashes: ArrowHashes;
  /** Wall time of the uninterrupted run, process start included. */
  ms: number;
}

let baseline: Promise<Baseline> | undefined;

/** An uninterrupted run with the same options, made once per file on first use. */
function uninterrupted(): Promise<Baseline> {
  baseline ??= (async () => {
    const out = sharedDir();
    const started = performance.now();
    const result = await runCli(args(out));
    if (result.code !== 0) throw new Error(`baseline run failed: ${result.stderr}`);
    return { hashes: sha256Of(out), ms: performance.now() - started };
  })();
  return baseline;
}

async function baselineHashes(): Promise<ArrowHashes> {
  return (await uninterrupted()).hashes;
}

/** Reruns to completion and checks what SPEC §10 promises about the rerun. */
async function rerunAfter(out: string, kill: Kill): Promise<CliResult> {
  const rerun = await runCli(args(out));
  expect(rerun.code, rerun.stderr).toBe(0);
  const open = unfinished(kill.store);
  if (open === undefined || kill.store === null) return rerun;

  // Steps the kill left finished are loaded, not recomputed.
  const steps = summarySteps(rerun.stdout);
  const story = `after a kill in ${open.step}:\n${rerun.stderr}\n${rerun.stdout}`;
  for (const s of kill.store.slice(0, STEPS.indexOf(open.step))) {
    expect(steps.get(s.step)?.how, `${s.step} ${story}`).toBe('loaded');
  }
  // The interrupted step takes every chunk recorded before the kill from the store.
  if (open.chunksDone > 0) {
    expect(chunksFromCheckpoints(rerun.stderr).get(open.step), story).toBe(open.chunksDone);
    expect(steps.get(open.step), story).toEqual({ how: 'computed', reused: open.chunksDone });
  }
  return rerun;
}

describe('a run killed with SIGKILL and rerun', () => {
  it('matches an uninterrupted run after a kill just as node_features starts', async () => {
    const out = tempDir();
    const kill = await killAt(out, { afterLine: /\] node_features: start/ });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    expect(unfinished(kill.store)?.step).toBe('node_features');

    await rerunAfter(out, kill);
    expect(sha256Of(out)).toEqual(await baselineHashes());
  });

  it('matches an uninterrupted run after a kill just as edge_features starts', async () => {
    const out = tempDir();
    const kill = await killAt(out, { afterLine: /\] edge_features: start/ });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    expect(unfinished(kill.store)?.step).toBe('edge_features');

    await rerunAfter(out, kill);
    expect(sha256Of(out)).toEqual(await baselineHashes());
  });

  it('reuses the chunks recorded before a kill in the middle of data_loaded', async () => {
    const out = tempDir();
    const kill = await killAt(out, { chunksOf: 'data_loaded', atLeast: 4 });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    const open = unfinished(kill.store);
    expect(open?.step).toBe('data_loaded');
    expect(open?.chunksDone).toBeGreaterThanOrEqual(4);

    await rerunAfter(out, kill);
    expect(sha256Of(out)).toEqual(await baselineHashes());
  });

  it('matches an uninterrupted run after a kill while graph_created writes files', async () => {
    // graph_created has no chunks; its work begins when weights ends.
    const out = tempDir();
    const kill = await killAt(out, {
      afterLine: /\] (weights: (done|loaded)|graph_created: start)/,
      delayMs: 20,
    });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    expect(unfinished(kill.store)?.step).toBe('graph_created');

    const rerun = await rerunAfter(out, kill);
    expect(summarySteps(rerun.stdout).get('graph_created')?.how).toBe('computed');
    expect(sha256Of(out)).toEqual(await baselineHashes());
    // A half-written file of the killed run does not stay behind.
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('matches an uninterrupted run after a kill at a random moment', async () => {
    const out = tempDir();
    const delayMs = Math.round(Math.random() * (await uninterrupted()).ms);
    const kill = await killAt(out, { afterMs: delayMs });

    await rerunAfter(out, kill);
    expect(sha256Of(out), `killed after ${delayMs} ms`).toEqual(await baselineHashes());
  });

  it('matches an uninterrupted run when the rerun after a kill uses one worker', async () => {
    // The worker count is not part of any checkpoint's identity (SPEC §10).
    const out = tempDir();
    const kill = await killAt(out, { chunksOf: 'node_features', atLeast: 4 });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);

    const oneWorker = args(out).map((a, i, all) => (all[i - 1] === '--workers' ? '1' : a));
    const rerun = await runCli(oneWorker);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(summarySteps(rerun.stdout).get('data_loaded')?.how).toBe('loaded');
    expect(sha256Of(out)).toEqual(await baselineHashes());
  });

  it('matches an uninterrupted run after a kill in a --fresh rerun of a done folder', async () => {
    // The old outputs stay on disk while the store is being refilled.
    const out = tempDir();
    expect((await runCli(args(out))).code).toBe(0);
    const kill = await killRunAt([...args(out), '--fresh'], out, {
      afterLine: /\] node_features: start/,
    });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    expect(unfinished(kill.store)?.step).toBe('node_features');

    await rerunAfter(out, kill);
    expect(sha256Of(out)).toEqual(await baselineHashes());
  });

  it('matches an uninterrupted run after being killed three times in a row', async () => {
    const out = tempDir();
    const kills: [StepName, number][] = [
      ['data_loaded', 3],
      ['node_features', 5],
      // Early enough that the step cannot finish before the kill lands, even on a busy machine.
      ['edge_features', 5],
    ];
    let previous: Kill | null = null;
    for (const [step, atLeast] of kills) {
      const kill = await killAt(out, { chunksOf: step, atLeast });
      expect(kill.interrupted, kill.killed.stderr).toBe(true);
      expect(unfinished(kill.store)?.step).toBe(step);

      // The killed rerun had already taken the previous kill's chunks from the store.
      const open = unfinished(previous?.store ?? null);
      if (open !== undefined && open.chunksDone > 0) {
        expect(chunksFromCheckpoints(kill.killed.stderr).get(open.step), kill.killed.stderr).toBe(
          open.chunksDone,
        );
      }
      previous = kill;
    }

    await rerunAfter(out, previous!);
    expect(sha256Of(out)).toEqual(await baselineHashes());
  });
});
