import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { bufferIo } from './helpers/buffer-io.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('generate-summary');

describe('the generate summary', () => {
  // Fresh-user report (session 12): `wrote x1.csv: 1 rows`.
  it('counts one row, account or attempt in the singular', async () => {
    const dir = tempDir();
    const out = join(dir, 'one.csv');
    const accounts = join(dir, 'accounts.csv');
    const io = bufferIo();

    const args = ['generate', '--rows', '1', '--accounts', '32', '--out', out];
    expect(await main([...args, '--accounts-out', accounts], io)).toBe(0);

    expect(io.out()).toContain(`wrote ${out}: 1 row, 0 laundering in 0 attempts, `);
    expect(io.out()).toContain(`wrote ${accounts}: 32 accounts, `);
  });
});
