import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  AbortedError,
  generate,
  run,
  status,
  type ProgressEvent,
  type StepName,
} from '../src/index.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { sha256Of, type ArrowHashes } from './helpers/hash.js';
import { sampleRunOptions } from './helpers/paths.js';
import { chunksFromCheckpoints } from './helpers/summary.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

// Issue "crash-proof resume", item 2: a stop request takes effect inside the coordinator's
// long synchronous stretches too (the merge of parsed chunks, the z-score fit, the class
// weights, ...), not only between chunks. Those loops run in slices and check the signal
// between them, so the step in progress ends without its completion record, and a rerun
// finishes it with the bytes of an uninterrupted run.

const tempDir = useTempDirs('stretch');
const sharedDir = useSharedTempDirs('stretch-baseline');

function options(out: string) {
  return sampleRunOptions(out, 5000);
}

let baseline: Promise<ArrowHashes> | undefined;

/** The Arrow hashes of an uninterrupted run of the sample, made once per file. */
function uninterrupted(): Promise<ArrowHashes> {
  baseline ??= run(options(sharedDir())).then((r) => sha256Of(r.out));
  return baseline;
}

/**
 * The moment a stretch starts, as the progress event just before it. The abort comes from
 * inside `onProgress`, so it is in place before the stretch's first slice: without the checks
 * between slices the stretch would run to its end and its step would be recorded.
 */
const STRETCHES: [string, StepName, (e: ProgressEvent) => boolean][] = [
  [
    'merging the parsed chunks into global ids',
    'data_loaded',
    (e) => e.kind === 'chunk-done' && e.step === 'data_loaded' && e.done === e.total,
  ],
  ['fitting the split and the z-scores', 'normalized', startOf('normalized')],
  ['gathering the train labels for the class weights', 'weights', startOf('weights')],
];

function startOf(step: StepName): (e: ProgressEvent) => boolean {
  return (e) => e.kind === 'step-start' && e.step === step;
}

describe('run() aborted inside a long synchronous stretch', () => {
  it.each(STRETCHES)(
    'stops while %s, leaving %s unrecorded; a rerun gives the same bytes',
    async (_, step, moment) => {
      const out = tempDir();
      const controller = new AbortController();

      const stopped = await run({
        ...options(out),
        signal: controller.signal,
        onProgress: (event) => {
          if (moment(event)) controller.abort();
        },
      }).catch((error: unknown) => error);

      expect(stopped).toBeInstanceOf(AbortedError);
      const recorded = await status(out);
      const at = recorded.findIndex((s) => s.step === step);
      expect(recorded[at]?.record).toBeNull();
      expect(recorded.slice(0, at).every((s) => s.record !== null)).toBe(true);

      const resumed = await run(options(out));
      expect(resumed.steps.find((s) => s.step === step)?.how).toBe('computed');
      expect(sha256Of(out)).toEqual(await uninterrupted());
    },
  );
});

describe('amlprep run sent SIGINT while it merges the parsed chunks', () => {
  // 400,000 generated rows: the merge after the last chunk takes a few hundred milliseconds,
  // far longer than a signal takes to arrive.
  let args: (out: string) => string[] = () => [];
  let clean: ArrowHashes;

  beforeAll(async () => {
    const dir = sharedDir();
    const tx = join(dir, 'tx.csv');
    const accounts = join(dir, 'accounts.csv');
    const patterns = join(dir, 'patterns.txt');
    await generate({
      rows: 400_000,
      accounts: 40_000,
      seed: 3,
      out: tx,
      accountsOut: accounts,
      patternsOut: patterns,
    });
    args = (out) =>
      ['run', tx, '--accounts', accounts, '--patterns', patterns, '--out', out].concat([
        '--chunk-size',
        '50000',
        '--workers',
        '2',
      ]);
    const out = sharedDir();
    const done = await runCli(args(out));
    if (done.code !== 0) throw new Error(`uninterrupted run failed: ${done.stderr}`);
    clean = sha256Of(out);
  }, 120_000);

  it('exits 130 before data_loaded is recorded, and a rerun gives the same bytes', async () => {
    const out = tempDir();
    const cli = spawnCli([...args(out), '--log-format', 'json']);
    const last = await cli.waitForStderr(/"kind":"chunk-done","step":"data_loaded","done":8,/);
    expect(last, cli.stderrSoFar()).not.toBeNull();
    const sent = performance.now();
    cli.child.kill('SIGINT');
    const stopped = await cli.done;

    expect(stopped.code, stopped.stderr).toBe(130);
    // Generous: this checks that the run stopped, not how fast.
    expect(performance.now() - sent).toBeLessThan(30_000);
    const recorded = await status(out);
    expect(recorded[0]).toMatchObject({ step: 'data_loaded', record: null, chunksDone: 8 });

    const rerun = await runCli(args(out));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(chunksFromCheckpoints(rerun.stderr).get('data_loaded')).toBe(8);
    expect(sha256Of(out)).toEqual(clean);
  });
});
