import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DataType } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { run, type Manifest } from '../src/index.js';
import { readArrow } from './helpers/arrow.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Trial K (session 19): amounts of 1e160 are doubles, yet a node's sums and the scaler's
// squares of them overflowed: std null in the manifest and z-scores of 0, or NaN, with exit
// 0. Amounts are taken up to 1e100 (src/ingest/fields.ts MAX_AMOUNT); at that bound every
// feature and statistic must stay finite.

const tempDir = useTempDirs('largest-amounts');

/** The sample's first `rows` data rows, with both amounts of rows 10 and 11 set to `amount`. */
function sampleWithAmount(rows: number, amount: string): string {
  const lines = readFileSync(SAMPLE.transactions, 'utf8')
    .split('\n')
    .slice(0, rows + 1);
  for (const at of [10, 11]) {
    const fields = lines[at]!.split(',');
    fields[5] = amount;
    fields[7] = amount;
    lines[at] = fields.join(',');
  }
  const path = join(tempDir(), 'transactions.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('the largest amounts taken', () => {
  it('keep every feature and scaler statistic finite', async () => {
    const out = tempDir();
    const transactions = sampleWithAmount(2000, '9'.repeat(100));

    await run({ transactions, out, workers: 1 });

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    for (const side of ['node', 'edge'] as const) {
      const stats = manifest.scaler[side];
      for (const value of [...stats.mean, ...stats.std]) {
        expect(Number.isFinite(value), `${side} scaler`).toBe(true);
      }
    }
    for (const file of ['nodes.arrow', 'edges.arrow']) {
      const table = readArrow(join(out, file));
      for (const field of table.schema.fields) {
        if (!DataType.isFloat(field.type)) continue;
        const bad = [...table.getChild(field.name)!].filter((v) => !Number.isFinite(v));
        expect(bad, `${file} ${field.name}`).toEqual([]);
      }
    }
    const nodes = readArrow(join(out, 'nodes.arrow'));
    expect(Math.max(...([...nodes.getChild('total_sent')!] as number[]))).toBeGreaterThan(1e99);
  });
});
