// Issue #3 item 3: `memoryBudget` / `--memory-budget` takes bytes or k/m/g/t sizes (binary
// multiples), refuses anything else naming the option, and defaults to three quarters of the
// memory available at start. The footprint estimate picks streaming when the in-memory mode
// would not fit.
import { freemem } from 'node:os';

import { describe, expect, it } from 'vitest';

import { OptionError } from '../../src/errors.js';
import { DEFAULT_SHARE, defaultMemoryBudget } from '../../src/memory/budget.js';
import { estimateFootprint } from '../../src/memory/footprint.js';
import { formatSize, parseSize } from '../../src/memory/size.js';
import { resolveOptions, type RunOptions } from '../../src/options.js';

const BASE = { transactions: 't.csv' } as const;
const GiB = 2 ** 30;

function budgetOf(value: unknown): number {
  return resolveOptions({ ...BASE, memoryBudget: value } as RunOptions).memoryBudget;
}

function failure(value: unknown): OptionError {
  try {
    budgetOf(value);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return error as OptionError;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('memory budget sizes', () => {
  it('reads bytes and binary k, m, g and t suffixes in either case', () => {
    expect(parseSize('4294967296')).toBe(4 * GiB);
    expect(parseSize('4g')).toBe(4 * GiB);
    expect(parseSize('4G')).toBe(4 * GiB);
    expect(parseSize('512m')).toBe(512 * 2 ** 20);
    expect(parseSize('64k')).toBe(65_536);
    expect(parseSize('1t')).toBe(2 ** 40);
    expect(parseSize('1.5g')).toBe(1.5 * GiB);
    expect(parseSize('4GiB')).toBe(4 * GiB);
    expect(parseSize('4gb')).toBe(4 * GiB);
    expect(parseSize(' 2_048m ')).toBe(2 * GiB);
  });

  it('refuses text that is not a size', () => {
    for (const text of ['', 'g', '4x', '-1g', '4 g b', '1e9', 'four', '4g4', '0x10']) {
      expect(parseSize(text), text).toBeNull();
    }
  });

  it('formats sizes for messages', () => {
    expect(formatSize(4 * GiB)).toBe('4.0 GiB');
    expect(formatSize(512 * 2 ** 20)).toBe('512 MiB');
  });
});

describe('options.memoryBudget', () => {
  it('takes a number of bytes or a size text', () => {
    expect(budgetOf(3 * GiB)).toBe(3 * GiB);
    expect(budgetOf('4g')).toBe(4 * GiB);
    expect(budgetOf('1m')).toBe(2 ** 20);
    expect(budgetOf('8000t')).toBe(8000 * 1024 * GiB);
  });

  // Trial W (session 22): the text "1048576.5" was taken and the number 1048576.5 refused.
  it('rounds a fraction of a byte down, given as a number or as text', () => {
    expect(budgetOf(2 ** 21 + 0.5)).toBe(2 ** 21);
    expect(budgetOf(`${2 ** 21}.5`)).toBe(2 ** 21);
  });

  it('refuses bad values with a message naming the option', () => {
    const message =
      'options.memoryBudget must be a size from 1m to 8000t: bytes, or a number with a k, m, g ' +
      'or t suffix (e.g. 4g, 512m), got ';
    const tooLarge = ['99999999t', '8001t', 2 ** 53];
    for (const value of [
      'lots',
      '4x',
      '-4g',
      '',
      0,
      -1,
      1.5,
      1000,
      '512k',
      true,
      {},
      ...tooLarge,
    ]) {
      expect(failure(value).message.startsWith(message), String(value)).toBe(true);
    }
    expect(failure('4x').message).toBe(`${message}"4x"`);
  });

  it('defaults to three quarters of the memory available at start', () => {
    const budget = defaultMemoryBudget();
    const available = freemem();
    // freemem moves a little between the two reads; 5% either way covers it.
    expect(budget).toBeGreaterThan(available * DEFAULT_SHARE * 0.95);
    expect(budget).toBeLessThan(available * DEFAULT_SHARE * 1.05);
    expect(resolveOptions({ ...BASE }).memoryBudget).toBeGreaterThan(available * 0.7);
  });
});

describe('footprint estimate', () => {
  it('counts the 160-byte edge matrix in memory and drops it when streaming', () => {
    const rows = 30_000_000;
    const nodes = 3_000_000;
    const f = estimateFootprint(rows, nodes, 2);
    // The edge matrix alone is 30 M × 20 × 8 bytes = 4.47 GiB.
    expect(f.inMemory - f.streaming).toBeGreaterThan(rows * 20 * 8 * 0.8);
    expect(f.inMemory).toBeGreaterThan(4 * GiB);
    expect(f.streaming).toBeLessThan(4 * GiB);
  });

  it('grows with rows and nodes', () => {
    const small = estimateFootprint(1000, 100, 2);
    const large = estimateFootprint(2000, 200, 2);
    expect(large.inMemory).toBeGreaterThan(small.inMemory);
    expect(large.streaming).toBeGreaterThan(small.streaming);
  });
});
