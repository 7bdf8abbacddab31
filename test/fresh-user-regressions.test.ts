import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli, spawnCli, STACK_LINE } from './helpers/cli.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Problems a new user hit from a clean clone, kept fixed.

const tempDir = useTempDirs('regress');
const head = readFileSync(SAMPLE.transactions, 'utf8').split('\n').slice(0, 51).join('\n');

function expectUserError(result: { code: number | null; stderr: string }, text: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(text);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

describe('reported by a first-time user', () => {
  it('an unterminated quote in the last row is a bad row, not a crash', async () => {
    const dir = tempDir();
    const tx = join(dir, 'u.csv');
    const row = '2022/09/01 00:08,011,"8000ECA90,011,8000ECA90,10.00,US Dollar,10.00,USD,ACH,0';
    writeFileSync(tx, `${head}\n${row}\n`);

    const result = await runCli(['run', tx, '--out', join(dir, 'o')]);

    expectUserError(result, new RegExp(`${tx}:52: unterminated quoted field`));
  });

  it('a --smote-ratio too large for memory is a usage error naming the option', async () => {
    const result = await runCli([
      'run',
      SAMPLE.transactions,
      '--out',
      join(tempDir(), 'o'),
      '--smote-ratio',
      '1e9',
    ]);

    expectUserError(result, /--smote-ratio .*synthetic rows/);
  });

  it('an --out that is an existing file is an output error', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');

    const result = await runCli(['run', SAMPLE.transactions, '--out', file]);

    expectUserError(result, /cannot create the output folder .*EEXIST/);
  });

  it('a negative number without = gets a hint', async () => {
    const result = await runCli(['run', SAMPLE.transactions, '--smote-ratio', '-1']);

    expectUserError(result, /--flag=-1/);
  });

  it('clean refuses a folder a run is using', async () => {
    const out = tempDir();
    const running = spawnCli(['run', SAMPLE.transactions, '--out', out, '--chunk-size', '1000']);
    await running.waitForStderr(/data_loaded: start/);

    const cleaned = await runCli(['clean', out]);
    await running.done;

    expectUserError(cleaned, /in use by another amlprep run/);
  });
});
