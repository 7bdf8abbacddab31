import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// The package's entry point, as an embedding project imports it: its declared types are
// what `tsc` checks this file against (npm test type-checks the tests).
import {
  clean,
  exportRun,
  generate,
  inspectRun,
  readOutputs,
  run,
  status,
  type GenerateOptions,
  type GenerateResult,
  type RunOptions,
  type StepRecord,
} from 'amlprep';

import { SAMPLE, SAMPLE_ROWS } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Trial F (session 18): the README says null counts as not given, and it did at run time,
// but the declared types refused it under --strict; GenerateOptions, GenerateResult and
// StepRecord (the type of a status entry's record) were not exported at all.

const tempDir = useTempDirs('null-options');

describe('null for an optional option, in the types and at run time', () => {
  it('generate() takes it and uses the defaults', async () => {
    const out = join(tempDir(), 'tx.csv');
    const options: GenerateOptions = {
      rows: 1_000,
      accounts: 100,
      out,
      seed: null,
      accountsOut: null,
      patternsOut: null,
      launderingShare: null,
      overwrite: null,
    };

    const result: GenerateResult = await generate(options);

    expect(result.seed).toBe(42);
    expect(result.files).toEqual({ transactions: out });
  });

  it('run() and the functions on its folder take it and use the defaults', async () => {
    const options: RunOptions = {
      transactions: SAMPLE.transactions,
      accounts: null,
      patterns: null,
      out: join(tempDir(), 'run'),
      sample: null,
      chunkSize: null,
      workers: null,
      workerHeapMb: null,
      memoryBudget: null,
      resumeFrom: null,
      fresh: null,
      imbalance: null,
      smoteRatio: null,
      seed: null,
      split: null,
      onBadRow: null,
      onProgress: null,
      signal: null,
    };

    const result = await run(options);
    const records: (StepRecord | null)[] = (await status(result.out)).map((s) => s.record);
    const outputs = await readOutputs(result.out, { verify: null });
    const inspection = await inspectRun(result.out, { top: null });
    const exported = await exportRun(result.out, 'multignn', null, {
      transactions: null,
      amounts: null,
    });
    const removed = clean(result.out, { outputs: null });

    expect(result.summary.edges).toBe(SAMPLE_ROWS);
    expect(records.map((r) => r?.step)).toEqual(result.steps.map((s) => s.step));
    expect(outputs.edges.numRows).toBe(SAMPLE_ROWS);
    expect(inspection.topAccounts.length).toBe(10);
    expect(exported.out).toBe(join(result.out, 'multignn'));
    // Without `outputs`, clean leaves the outputs.
    expect(removed.some((path) => path.endsWith('.arrow'))).toBe(false);
    expect(existsSync(result.outputs.edges)).toBe(true);
  });
});
