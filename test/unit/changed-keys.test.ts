// SPEC §10: a step whose inputs or options changed is recomputed, and the reason given names
// what changed in words a user can act on.
import { describe, expect, it } from 'vitest';

import { changedKeys } from '../../src/pipeline/step-record.js';

const tx = { size: 10, mtimeMs: 1, sample: 'a' };
const accounts = { size: 20, mtimeMs: 2, sample: 'b' };

describe('changedKeys', () => {
  it('says an input option was added or left out, not that its file changed', () => {
    const without = { inputs: { transactions: tx, accounts: null } };
    const with_ = { inputs: { transactions: tx, accounts } };

    expect(changedKeys(without, with_)).toBe('--accounts was added');
    expect(changedKeys(with_, without)).toBe('--accounts was left out');
  });

  it('says a file changed when both runs name one and they differ', () => {
    const before = { inputs: { transactions: tx, accounts } };
    const after = { inputs: { transactions: tx, accounts: { ...accounts, size: 21 } } };

    expect(changedKeys(before, after)).toBe('the accounts file changed (size 20 → 21 bytes)');
  });

  // Trial FF (session 25): after a bare `touch` the note said "size, mtime or content".
  it.each([
    [{ sample: 'c', mtimeMs: 3 }, 'same size, other bytes'],
    [{ mtimeMs: 3 }, 'another modified time; same size and sampled bytes'],
    [{ size: 12_345, sample: 'c' }, 'size 10 → 12,345 bytes'],
  ])('says how the file changed: %j', (change, how) => {
    const before = { inputs: { transactions: tx } };
    const after = { inputs: { transactions: { ...tx, ...change } } };

    expect(changedKeys(before, after)).toBe(`the transactions file changed (${how})`);
  });

  it('names changed options in their flag spelling, with the earlier step', () => {
    expect(changedKeys({ smoteRatio: 1, previous: 'x' }, { smoteRatio: 0.5, previous: 'y' })).toBe(
      '--smote-ratio changed, an earlier step changed',
    );
  });

  // Trial H (session 18): going to --imbalance none said the ratio and seed changed too.
  it('names only the option that decides whether the others are read', () => {
    const smote = { imbalance: 'smote', smoteRatio: 1, seed: 42, previous: 'x' };
    const none = { imbalance: 'none', previous: 'x' };

    expect(changedKeys(smote, none)).toBe('--imbalance changed');
    expect(changedKeys(none, { ...smote, seed: 9 })).toBe('--imbalance changed');
  });

  it('still says the step definition changed for a record without a version', () => {
    expect(changedKeys({ previous: 'x' }, { version: 2, previous: 'x' })).toBe(
      'the step definition changed in this amlprep version',
    );
  });
});
