// The engine's Arrow outputs against the independent reference, column by column.
// A failure lists, per table and column, the first disagreeing row and how many differ.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { REAL, TINY } from './reference/fixtures.js';
import {
  allProblems,
  referenceFor,
  scratchDir,
  writeCombined,
  writeVariant,
  type EngineOutputs,
  type ScenarioFiles,
} from './reference/scenario.js';
import type { ReferenceOptions } from './reference/spec-reference.js';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  readonly files: ScenarioFiles;
  readonly options: ReferenceOptions;
  readonly workers: 1 | 2;
  readonly chunkSize: number;
  /** Engine only: rejects change no output the reference computes. */
  readonly onBadRow?: 'skip';
}

async function runEngine(s: Scenario): Promise<EngineOutputs> {
  const out = scratchDir();
  scratch.push(out);
  const result = await run({
    ...s.files,
    out,
    workers: s.workers,
    chunkSize: s.chunkSize,
    onBadRow: s.onBadRow,
    fresh: true,
    ...s.options,
    split: s.options.split === undefined ? undefined : [...s.options.split],
  });
  return result.outputs;
}

/** Runs the engine once, then asserts there is nothing to report. */
function compares(title: string, scenario: () => Scenario): void {
  describe(title, () => {
    let outputs: EngineOutputs;
    beforeAll(async () => {
      outputs = await runEngine(scenario());
    }, 60_000);

    it('matches the reference in every column of every output', () => {
      const reference = referenceFor(scenario().files, scenario().options);
      expect(allProblems(outputs, reference)).toEqual([]);
    });
  });
}

// mixed-patterns.txt line 13 spells bank `0040` as `040`: since zeros count in transaction
// bank ids (SPEC §1), that row matches no transaction and must give no typology. Such a row
// is a bad row of the patterns file (issue #4, item 8), so these scenarios skip it; every
// (a) scenario without --sample needs `skip`.
const mixed: ScenarioFiles = {
  transactions: `${TINY}mixed.csv`,
  accounts: `${TINY}mixed-accounts.csv`,
  patterns: `${TINY}mixed-patterns.txt`,
};

compares('(a) hand-made fixture with every ingest trap, SMOTE, two workers, chunks of 4', () => ({
  files: mixed,
  options: {},
  workers: 2,
  chunkSize: 4,
  onBadRow: 'skip',
}));

// The same fixture with the quoted comma taken out of account `600,F`, so that a refusal
// of that one trap does not hide every other column from the comparison.
let plain: ScenarioFiles = mixed;
beforeAll(() => {
  const dir = scratchDir();
  scratch.push(dir);
  plain = writeVariant(dir, mixed, '"600,F"', '600F');
});

compares('(a) same fixture without the comma in an account, SMOTE, chunks of 4', () => ({
  files: plain,
  options: {},
  workers: 2,
  chunkSize: 4,
  onBadRow: 'skip',
}));

compares('(a) without the comma, undersampling with seed 7 and ratio 2, one worker', () => ({
  files: plain,
  options: { imbalance: 'undersample', seed: 7, smoteRatio: 2 },
  workers: 1,
  chunkSize: 1000,
  onBadRow: 'skip',
}));

compares('(a) without the comma, first 15 rows, SMOTE ratio 1.5 (k = 2), seed 3', () => ({
  files: plain,
  options: { sample: 15, smoteRatio: 1.5, seed: 3 },
  workers: 2,
  chunkSize: 3,
}));

compares('(a) without the comma, split 0.5 / 0.3 / 0.2, no resampling', () => ({
  files: plain,
  options: { split: [0.5, 0.3, 0.2], imbalance: 'none' },
  workers: 2,
  chunkSize: 7,
  onBadRow: 'skip',
}));

describe('(b) real LI-Small head with its accounts file', () => {
  const files: ScenarioFiles = {
    transactions: `${REAL}li-small-trans-head99.csv`,
    accounts: `${REAL}li-small-accounts-head.csv`,
  };

  // All 99 rows fall on 2022/09/01 and are labelled 0: the split puts them all in train
  // (one day: cuts (1, 1) err by 1, the others by 4), and §8 makes a missing class an error.
  it('is refused for want of laundering rows in train, by both implementations', async () => {
    expect(() => referenceFor(files, {})).toThrow(/no rows of class 1/);
    const out = scratchDir();
    scratch.push(out);
    await expect(run({ ...files, out, workers: 2, chunkSize: 10, fresh: true })).rejects.toThrow(
      /class/i,
    );
  });
});

let combined = '';
beforeAll(() => {
  const dir = scratchDir();
  scratch.push(dir);
  combined = writeCombined(
    dir,
    `${REAL}li-small-trans-head99.csv`,
    `${REAL}hi-medium-patterns.txt`,
    2000,
  );
});

// The patterns file is the real one, all 22,743 rows, while the transactions take only its
// first 2,000: the other rows are bad rows of the patterns file (issue #4, item 8), skipped.
const combinedFiles = (): ScenarioFiles => ({
  transactions: combined,
  accounts: `${REAL}li-small-accounts-head.csv`,
  patterns: `${REAL}hi-medium-patterns.txt`,
});

compares('(c) real head plus 2,000 real laundering rows, typologies from Patterns', () => ({
  files: combinedFiles(),
  options: {},
  workers: 2,
  chunkSize: 256,
  onBadRow: 'skip',
}));

compares('(c) the same rows, undersampling with seed 11, one worker', () => ({
  files: combinedFiles(),
  options: { imbalance: 'undersample', seed: 11 },
  workers: 1,
  chunkSize: 500,
  onBadRow: 'skip',
}));
