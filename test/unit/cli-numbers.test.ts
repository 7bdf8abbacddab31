// Number flags (src/cli/args.ts): whole numbers with suffixes, separators, and decimals that
// come out whole, read as digits so no float rounding creeps in; decimal ratios.
import { describe, expect, it } from 'vitest';

import { decimal, integer } from '../../src/cli/args.js';

describe('a whole-number flag', () => {
  it.each([
    ['5000000', 5_000_000],
    ['5_000_000', 5_000_000],
    ['250k', 250_000],
    ['5m', 5_000_000],
    ['2.5k', 2_500],
    ['1.1k', 1_100],
    ['0.125m', 125_000],
    ['1.5M', 1_500_000],
    ['-5', -5],
    [' 42 ', 42],
    // Trial K (session 19): 1.0 was refused while 0.5k was taken.
    ['1.0', 1],
    ['2.50k', 2_500],
    ['3.000', 3],
  ])('reads %s as %d', (text, value) => {
    expect(integer('--n', text)).toBe(value);
  });

  it.each(['1.5', '1.50', '2.5005k', '1.0000005m', '5_000_', 'lots', '1e6', ''])(
    'refuses %j as not a whole number',
    (text) => {
      expect(() => integer('--n', text)).toThrow(
        `--n must be a whole number, got ${JSON.stringify(text)}`,
      );
    },
  );

  it('refuses a number past 2^53, quoting it as written', () => {
    expect(() => integer('--n', '9007199254740993')).toThrow(
      '--n is too large (at most 9007199254740991), got "9007199254740993"',
    );
    expect(integer('--n', '9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  // Trial K (session 19): `--workers 99999999999999999999` said "at most 9007199254740991".
  it("names the flag's own range for a number past 2^53 when it has one", () => {
    expect(() => integer('--workers', '99999999999999999999', { min: 1, max: 256 })).toThrow(
      '--workers must be an integer from 1 to 256, got "99999999999999999999"',
    );
    expect(integer('--workers', '300', { min: 1, max: 256 })).toBe(300);
  });
});

// Session 19: `--workers " 2"` was taken and `--smote-ratio " 2"` refused; both take it now.
describe('a decimal flag', () => {
  it.each([
    ['0.5', 0.5],
    ['.5', 0.5],
    ['2', 2],
    ['1e-3', 0.001],
    [' 2', 2],
    ['0.25 ', 0.25],
  ])('reads %j as %d', (text, value) => {
    expect(decimal('--r', text)).toBe(value);
  });

  it.each(['0x10', ' ', '1 2', '2,5'])('refuses %j, quoting it as written', (text) => {
    expect(() => decimal('--r', text)).toThrow(
      `--r must be a decimal number (like 0.5), got ${JSON.stringify(text)}`,
    );
  });
});
