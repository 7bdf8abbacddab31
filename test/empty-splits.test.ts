// SPEC §6 cuts the split between whole days, so rows on one day all go to one split. A
// fresh-user trial (session 15) found such a run finished with empty validation and test
// splits and no word, and an empty train split reported as "no rows of class 0 (0 of class
// 0, 0 of class 1)".
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { classWeights } from '../src/features/class-weights.js';
import { runCli } from './helpers/cli.js';
import { REPO, SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('empty-splits');

/** The bundled sample's rows of 2022/09/01: 99 of class 0 and 266 of class 1, one day. */
function oneDay(dir: string): string {
  const [header, ...rows] = readFileSync(SAMPLE.transactions, 'utf8').trimEnd().split('\n');
  const path = join(dir, 'one-day.csv');
  writeFileSync(path, [header, ...rows.filter((r) => r.startsWith('2022/09/01'))].join('\n'));
  return path;
}

describe('a split left empty', () => {
  it('is named in a note when validation and test get no rows', async () => {
    const dir = tempDir();

    const result = await runCli(['run', oneDay(dir), '--out', join(dir, 'out')]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr + result.stdout).toContain(
      'the validation and test splits are empty: the rows span one day, and the split is cut ' +
        'between whole days (--split 0.6,0.2,0.2)',
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.summary.splits).toEqual({ train: [99, 266], validation: [0, 0], test: [0, 0] });
  });

  // Trial N (session 20): a row far from the rest made the note say the rows "span 738765
  // days", when what left splits empty was that they fell on two.
  it('counts the days that have rows, not only their span', async () => {
    const dir = tempDir();
    const lines = readFileSync(oneDay(dir), 'utf8').split('\n');
    lines[1] = lines[1]!.replace('2022/09/01', '2022/09/11');
    writeFileSync(join(dir, 'two-days.csv'), lines.join('\n'));

    const result = await runCli(['run', join(dir, 'two-days.csv'), '--out', join(dir, 'out')]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr + result.stdout).toMatch(
      / splits? (is|are) empty: the rows fall on 2 days of an? 11-day span, and the split is /,
    );
  });

  it('stops the run saying the train split has no rows when it gets none', async () => {
    const dir = tempDir();

    const result = await runCli([
      'run',
      oneDay(dir),
      '--out',
      join(dir, 'out'),
      '--split',
      '0.1,0.1,0.8',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the train split has no rows, so class weights cannot be computed',
    );
    expect(result.stderr + result.stdout).toContain('the train and validation splits are empty');
    // Trial BB (session 23): SMOTE's "0 minority training rows" came first.
    expect(result.stderr + result.stdout).not.toContain('SMOTE skipped');
  });

  // Trial W (session 22): on a real file without a laundering row the run warned that SMOTE
  // was skipped, then advised more rows (--sample) or other --split shares for the train
  // split, neither of which can bring a row of class 1.
  it.each([
    [[], 'among its 572 kept rows', 'a file of both classes is needed'],
    [
      ['--sample', '100'],
      'among the 100 kept rows of --sample 100',
      'a larger --sample may reach rows of both',
    ],
  ])(
    'stops a run whose rows hold no class 1 at all, saying so (%j)',
    async (extra, kept, advice) => {
      const dir = tempDir();
      const path = join(REPO, 'data', 'real', 'li-small-trans-head572.thirdparty.csv');
      const labels = readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.at(-1));
      expect(new Set(labels)).toEqual(new Set(['0']));

      const result = await runCli(['run', path, '--out', join(dir, 'out'), ...extra]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `amlprep: ${path}: no row of class 1 (Is Laundering 1) ${kept}, so class weights ` +
          `cannot be computed and there is nothing to resample; ${advice}\n`,
      );
      expect(result.stderr).not.toContain('SMOTE skipped');
    },
  );

  it('gives the class counts when one class is missing', () => {
    expect(() => classWeights([0, 0, 0])).toThrow(
      'the train split has no rows of class 1 (3 of class 0, 0 of class 1)',
    );
    expect(() => classWeights([])).toThrow('the train split has no rows, so');
  });
});
