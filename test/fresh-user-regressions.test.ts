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

  // Session 13 trial: a year typed 0000 was taken without a word, and the split by days
  // then ran over two thousand years.
  it('a timestamp span of over ten years gets a note naming both ends', async () => {
    const dir = tempDir();
    const tx = join(dir, 'years.csv');
    // 300 rows: enough laundering rows in the train split for the run to finish.
    const lines = readFileSync(SAMPLE.transactions, 'utf8').split('\n').slice(0, 301);
    lines[3] = lines[3]!.replace(/^2022/, '0000');
    lines[2] = lines[2]!.replace(/,[01]$/, ',7');
    writeFileSync(tx, `${lines.join('\n')}\n`);

    const result = await runCli(['run', tx, '--out', join(dir, 'o'), '--on-bad-row', 'skip']);

    expect(result.code, result.stderr).toBe(0);
    // Data records 0-299; record 1 (label 7) is rejected, so record 2 (year 0000) is kept row
    // 1 and keeps edge_id 2. Days counted with Date.UTC from the two rows' texts.
    const stamp = (line: string) => {
      const [d, t] = line.split(',')[0]!.split(' ');
      const [y, mo, da] = d!.split('/').map(Number);
      const [h, mi] = t!.split(':').map(Number);
      const at = new Date(0);
      at.setUTCFullYear(y!, mo! - 1, da!);
      at.setUTCHours(h!, mi!, 0, 0);
      return at.getTime() / 86_400_000;
    };
    const kept = lines.slice(1).filter((_, i) => i !== 1);
    const days = kept.map(stamp);
    const latest = days.indexOf(Math.max(...days));
    const span = Math.floor(Math.max(...days)) - Math.floor(Math.min(...days)) + 1;
    const lastId = latest >= 1 ? latest + 1 : latest;
    const lastDate = kept[latest]!.slice(0, 10).replaceAll('/', '-');
    expect(result.stderr).toContain(
      `timestamps span ${span.toLocaleString('en-US')} days, from ${lines[3]!
        .slice(0, 10)
        .replaceAll('/', '-')} (edge_id 2) to ${lastDate} (edge_id ${lastId}); the split is ` +
        'cut by days, so check those rows for a mistyped year',
    );
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

    expectUserError(result, /--smote-ratio must be at most 107,374,182 .*got 1000000000/);
  });

  it('an --out that is an existing file is an output error', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');

    const result = await runCli(['run', SAMPLE.transactions, '--out', file]);

    expectUserError(result, /cannot create the output folder .*EEXIST/);
  });

  it('a negative number without = gets a hint', async () => {
    const result = await runCli(['run', SAMPLE.transactions, '--smote-ratio', '-1']);

    expectUserError(result, /as in --smote-ratio=-1/);
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
