import { existsSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

// The package's own name, as the README's example imports it: this checks the published
// entry point (package.json "exports" → dist/), which `npm test` builds first.
import {
  readOutputs,
  run,
  STEPS,
  type ProgressEvent,
  type RunOutputs,
  type RunResult,
} from 'amlprep';

import { SAMPLE, SAMPLE_ROWS } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

const sharedDir = useSharedTempDirs('api-example');

/** Label-1 rows of the sample: the HI-Medium (22,743) and LI-Medium (3,909) pattern rows. */
const SAMPLE_LAUNDERING = 22_743 + 3_909;

describe('the README library example', () => {
  let result: RunResult;
  let outputs: RunOutputs;
  const ended: [string, number][] = [];

  beforeAll(async () => {
    // README "Library API", with the bundled sample and a small chunk size.
    result = await run({
      transactions: SAMPLE.transactions,
      accounts: SAMPLE.accounts,
      patterns: SAMPLE.patterns,
      out: sharedDir(),
      workers: 2,
      chunkSize: 5_000,
      onProgress: (event: ProgressEvent) => {
        if (event.kind === 'step-end') ended.push([event.step, event.seconds]);
      },
    });
    outputs = await readOutputs(result.out);
  });

  it('runs the seven steps and reports each one through onProgress', () => {
    expect(ended.map(([step]) => step)).toEqual([...STEPS]);
    expect(ended.every(([, seconds]) => seconds >= 0)).toBe(true);
  });

  it('resolves to the output paths and a summary with class weights', () => {
    for (const path of [
      result.outputs.nodes,
      result.outputs.edges,
      result.outputs.trainResampled,
      result.outputs.manifest,
    ]) {
      expect(existsSync(path)).toBe(true);
    }
    expect(result.outputs.rejectedRows).toBeNull();
    expect(result.summary.classWeights['0']).toBeGreaterThan(0);
  });

  it('reads the outputs back as Arrow tables with the counts of the sample', () => {
    expect(outputs.edges.numRows).toBe(SAMPLE_ROWS);
    const y = outputs.edges.getChild('y')!.toArray() as Int8Array;
    expect(y.reduce((a, b) => a + b, 0)).toBe(SAMPLE_LAUNDERING);
    expect(outputs.nodes.numRows).toBe(result.summary.nodes);
    expect(outputs.trainResampled.numRows).toBe(result.summary.resampled.rows);
  });

  it('gives a manifest that agrees with the result and the tables', () => {
    expect(outputs.manifest.classWeights).toEqual(result.summary.classWeights);
    expect(outputs.manifest.summary).toEqual(result.summary);
    expect(outputs.edges.schema.names).toEqual(outputs.manifest.columns.edges.map((c) => c.name));
    expect(outputs.nodes.schema.names).toEqual(outputs.manifest.columns.nodes.map((c) => c.name));
  });

  it('verifies the files against their manifest checksums when asked', async () => {
    const verified = await readOutputs(result.out, { verify: true });
    expect(verified.edges.numRows).toBe(SAMPLE_ROWS);
  });
});
