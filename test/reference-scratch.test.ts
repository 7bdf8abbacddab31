import { it } from 'vitest';
import { run } from '../src/index.js';
import { REAL, TINY } from './reference/fixtures.js';
import { allProblems, referenceFor, scratchDir, writeCombined, writeVariant } from './reference/scenario.js';

it('scratch', async () => {
  const mixed = { transactions: `${TINY}mixed.csv`, accounts: `${TINY}mixed-accounts.csv`, patterns: `${TINY}mixed-patterns.txt` };
  const plain = writeVariant(scratchDir(), mixed, '600,F', '600F');
  const combined = writeCombined(scratchDir(), `${REAL}li-small-trans-head99.csv`, `${REAL}hi-medium-patterns.txt`, 2000);
  const c = { transactions: combined, accounts: `${REAL}li-small-accounts-head.csv`, patterns: `${REAL}hi-medium-patterns.txt` };
  for (const [name, files, options] of [['plain', plain, {}], ['plain-u', plain, { imbalance: 'undersample', seed: 7, smoteRatio: 2 }], ['plain-s', plain, { sample: 15, smoteRatio: 1.5, seed: 3 }], ['c', c, {}]] as const) {
    try {
      const r = await run({ ...files, out: scratchDir(), workers: 2, chunkSize: 100000, fresh: true, ...options });
      const problems = allProblems(r.outputs, referenceFor(files, options));
      console.log(name, JSON.stringify(problems, null, 1));
    } catch (e) { console.log(name, (e as Error).stack); }
  }
}, 120_000);
