import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { generate } from '../src/generate/index.js';
import { runCli } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { useTempDirs } from './helpers/temp-dir.js';

// data_loaded's chunk records hold Amount Paid only where it differs from Amount Received
// (a currency exchange). A run that restores data_loaded from those records must give the
// bytes of the run that parsed the file: generated data has exchanges in about 2% of rows.

const tempDir = useTempDirs('data-loaded-restore');

describe('data_loaded restored from its checkpoints', () => {
  it('gives the outputs of the run that parsed the file, currency exchanges included', async () => {
    const dir = tempDir();
    const tx = join(dir, 'tx.csv');
    await generate({ rows: 30_000, accounts: 3_000, out: tx, seed: 9 });
    const exchanged = readFileSync(tx, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .filter((line) => {
        const f = line.split(',');
        return f[5] !== f[7];
      }).length;
    expect(exchanged).toBeGreaterThan(100);
    const out = join(dir, 'out');
    const args = ['run', tx, '--out', out, '--chunk-size', '4000', '--workers', '2'];

    expect((await runCli(args)).code).toBe(0);
    const first = sha256Of(out);
    const rerun = await runCli([...args, '--resume-from', 'data_loaded']);

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/data_loaded .*loaded from checkpoint/);
    expect(rerun.stdout).toMatch(/edge_features .*computed/);
    expect(sha256Of(out)).toEqual(first);
  });
});
