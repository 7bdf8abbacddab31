// Trial X (session 22): SMOTE added one synthetic row too many at --smote-ratio 0.07 (in
// floating point 0.07 · 100 is 7.000000000000001), and undersampling kept one majority row
// too many at 0.7. A run on the bundled sample's first rows, at a ratio where floating point
// and exact arithmetic part, gives the SPEC's count. (Undersampling's count is checked against the
// same integer arithmetic in test/unit/ratio-counts.test.ts: none of these train splits
// has a ratio of two decimals where floating point parts for it.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run, type Manifest } from '../src/index.js';
import { ceilOfRatio } from './reference/resample.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('resample-ratio');

/** Two-decimal ratios up to 3 whose floating-point count differs from the exact one. */
function ratiosWhereFloatParts(count: (r: number) => number, exact: (r: number) => number) {
  const found: number[] = [];
  for (let k = 1; k <= 300; k++) {
    const r = Number((k / 100).toFixed(2));
    if (count(r) !== exact(r)) found.push(r);
  }
  return found;
}

function manifestOf(out: string): Manifest {
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
}

describe('a resampling ratio', () => {
  it('gives the SPEC row counts where floating point would be one off', async () => {
    const out = tempDir();
    // The first 850 rows: a train split whose majority (435 rows) has ratios of two decimals
    // where floating point lands above the whole number (2.2 · 435 is 957.0000000000001).
    const options = { ...sampleRunOptions(out), sample: 850 };
    await run(options);
    const train = manifestOf(out).summary.splits.train;
    const minority = Math.min(...train);
    const majority = Math.max(...train);

    const smoteRatio = ratiosWhereFloatParts(
      (r) => Math.ceil(r * majority),
      (r) => ceilOfRatio(r, majority, 1),
    )[0]!;
    expect(smoteRatio).toBeDefined();
    await run({ ...options, smoteRatio });
    const smote = manifestOf(out).summary.resampled;
    expect(smote.synthetic).toBe(ceilOfRatio(smoteRatio, majority, 1) - minority);
    expect(smote.rows).toBe(majority + minority + smote.synthetic);
  }, 60_000);
});
