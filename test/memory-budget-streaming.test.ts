// Issue #3 item 3: under a memory budget too small for the edge matrix, the run streams it
// through a spill file, and the outputs are byte for byte those of the in-memory mode. The
// values are also checked against the independent reference (test/reference/), and a
// streamed run killed with SIGKILL resumes, in either mode, to the same bytes.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { generate } from '../src/index.js';
import { runWith, type RunResult } from '../src/run.js';
import { runCli } from './helpers/cli.js';
import { sha256Of, type ArrowHashes } from './helpers/hash.js';
import { killAt, unfinished } from './helpers/kill.js';
import { SAMPLE, sampleRunArgs } from './helpers/paths.js';
import { summarySteps } from './helpers/summary.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';
import { TINY } from './reference/fixtures.js';
import { allProblems, referenceFor, type ScenarioFiles } from './reference/scenario.js';

const tempDir = useTempDirs('memory-budget');
const sharedDir = useSharedTempDirs('memory-budget-shared');

/** Far below any run's footprint: every run given it streams. */
const TINY_BUDGET = '1m';
/** Far above these inputs' footprint: the in-memory mode. */
const LARGE_BUDGET = '16g';
const SPILL_FILE = 'edge-features.spill';

/** manifest.json without its creation time and step timings, which differ between runs. */
function manifestBody(out: string): unknown {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete manifest.createdAt;
  delete manifest.steps;
  return manifest;
}

async function runFiles(
  files: ScenarioFiles,
  options: { memoryBudget: string; chunkSize: number; onBadRow?: 'skip' },
  spillBlockRows?: number,
): Promise<{ out: string; result: RunResult }> {
  const out = tempDir();
  const result = await runWith(
    { ...files, out, workers: 2, fresh: true, ...options },
    { spillBlockRows },
  );
  return { out, result };
}

describe('a run under a memory budget too small for the edge matrix', () => {
  it('matches the independent reference in every column on the hand-made fixture', async () => {
    const files: ScenarioFiles = {
      transactions: `${TINY}mixed.csv`,
      accounts: `${TINY}mixed-accounts.csv`,
      patterns: `${TINY}mixed-patterns.txt`,
    };
    const { result } = await runFiles(files, {
      memoryBudget: TINY_BUDGET,
      chunkSize: 4,
      onBadRow: 'skip',
    });
    expect(result.memory?.streaming).toBe(true);
    expect(allProblems(result.outputs, referenceFor(files, {}))).toEqual([]);
  });

  it('writes the bundled sample byte for byte as the in-memory mode does', async () => {
    const streamed = await runFiles(SAMPLE, { memoryBudget: TINY_BUDGET, chunkSize: 2000 });
    const held = await runFiles(SAMPLE, { memoryBudget: LARGE_BUDGET, chunkSize: 2000 });

    expect(streamed.result.memory).toMatchObject({ budget: 2 ** 20, streaming: true });
    expect(held.result.memory).toMatchObject({ budget: 16 * 2 ** 30, streaming: false });
    expect(sha256Of(streamed.out)).toEqual(sha256Of(held.out));
    expect(manifestBody(streamed.out)).toEqual(manifestBody(held.out));
    // The spill goes with the run that wrote it.
    expect(existsSync(join(streamed.out, SPILL_FILE))).toBe(false);
  });

  it('notes that it streams, and warns when even streaming is over the budget', async () => {
    const events: string[] = [];
    await runWith(
      {
        ...SAMPLE,
        out: tempDir(),
        workers: 1,
        memoryBudget: TINY_BUDGET,
        onProgress: (e) => {
          if (e.kind === 'note' || e.kind === 'warning') events.push(`${e.kind}: ${e.message}`);
        },
      },
      {},
    );
    expect(events).toContainEqual(
      expect.stringMatching(
        /^note: edge features stream through a file: with them in memory the run would peak at/,
      ),
    );
    expect(events).toContainEqual(
      expect.stringMatching(/^warning: even streaming needs about .* 26,751 edges, over the/),
    );
  });

  it('reads several spill blocks back in the same order as the in-memory matrix', async () => {
    // 140,000 generated rows in spill blocks of 65,536 rows: three blocks, the last partial,
    // each one record batch of edges.arrow; the resampled set's batches cross them.
    const dir = sharedDir();
    const files: ScenarioFiles = {
      transactions: join(dir, 'transactions.csv'),
      accounts: join(dir, 'accounts.csv'),
      patterns: join(dir, 'patterns.txt'),
    };
    await generate({
      rows: 140_000,
      accounts: 14_000,
      seed: 7,
      out: files.transactions,
      accountsOut: files.accounts,
      patternsOut: files.patterns,
    });
    const options = { chunkSize: 10_000 };
    const streamed = await runFiles(files, { ...options, memoryBudget: TINY_BUDGET }, 65_536);
    const held = await runFiles(files, { ...options, memoryBudget: LARGE_BUDGET });

    expect(streamed.result.memory?.streaming).toBe(true);
    expect(held.result.memory?.streaming).toBe(false);
    expect(sha256Of(streamed.out)).toEqual(sha256Of(held.out));
    expect(manifestBody(streamed.out)).toEqual(manifestBody(held.out));
    // Both classes and SMOTE rows, so the resampled set read the spill for kept rows.
    expect(streamed.result.summary.resampled.synthetic).toBeGreaterThan(0);
  }, 60_000);
});

describe('a streamed run killed with SIGKILL and rerun', () => {
  let baseline: Promise<ArrowHashes> | undefined;

  /** An uninterrupted run of the sample in the in-memory mode. */
  function inMemoryHashes(): Promise<ArrowHashes> {
    baseline ??= (async () => {
      const out = sharedDir();
      const result = await runCli([...sampleRunArgs(out, 2000), '--memory-budget', LARGE_BUDGET]);
      if (result.code !== 0) throw new Error(`baseline run failed: ${result.stderr}`);
      return sha256Of(out);
    })();
    return baseline;
  }

  const streamedArgs = (out: string) => [
    ...sampleRunArgs(out, 2000),
    '--memory-budget',
    TINY_BUDGET,
  ];

  it('resumes to the same bytes after a kill while edge features stream', async () => {
    const out = tempDir();
    const kill = await killAt(streamedArgs(out), out, { chunksOf: 'edge_features', atLeast: 3 });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    expect(unfinished(kill.store)?.step).toBe('edge_features');

    const rerun = await runCli(streamedArgs(out));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(summarySteps(rerun.stdout).get('node_features')?.how).toBe('loaded');
    expect(rerun.stdout).toContain('edge features streamed through a file');
    expect(sha256Of(out)).toEqual(await inMemoryHashes());
    expect(existsSync(join(out, SPILL_FILE))).toBe(false);
  });

  it('resumes to the same bytes after a kill while the outputs are written', async () => {
    const out = tempDir();
    const kill = await killAt(streamedArgs(out), out, {
      afterLine: /\] (weights: (done|loaded)|graph_created: start)/,
      delayMs: 20,
    });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    expect(unfinished(kill.store)?.step).toBe('graph_created');
    // What the kill left in the spill is garbage to a rerun, which writes the file anew.
    if (existsSync(join(out, SPILL_FILE))) writeFileSync(join(out, SPILL_FILE), 'not features');

    const rerun = await runCli(streamedArgs(out));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(summarySteps(rerun.stdout).get('graph_created')?.how).toBe('computed');
    expect(sha256Of(out)).toEqual(await inMemoryHashes());
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp') || f === SPILL_FILE)).toEqual([]);
  });

  it('resumes in the in-memory mode to the same bytes after a kill while streaming', async () => {
    // The mode is an execution choice, like the worker count: no checkpoint depends on it.
    const out = tempDir();
    const kill = await killAt(streamedArgs(out), out, { chunksOf: 'edge_features', atLeast: 3 });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);

    const rerun = await runCli([...sampleRunArgs(out, 2000), '--memory-budget', LARGE_BUDGET]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('edge features held in memory');
    expect(summarySteps(rerun.stdout).get('data_loaded')?.how).toBe('loaded');
    expect(sha256Of(out)).toEqual(await inMemoryHashes());
  });
});

describe('amlprep run --memory-budget', () => {
  it('refuses a value that is not a size, naming the flag, before writing anything', async () => {
    const out = join(tempDir(), 'never-made');
    const result = await runCli([
      'run',
      SAMPLE.transactions,
      '--out',
      out,
      '--memory-budget',
      '4x',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'amlprep: run: --memory-budget must be a size from 1m to 8000t: bytes, or a number with ' +
        'a k, m, g or t suffix (e.g. 4g, 512m), got "4x" (see \'amlprep run --help\')\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('lists the flag in its help', async () => {
    const result = await runCli(['run', '--help']);
    expect(result.stdout).toContain('--memory-budget SIZE');
  });
});
