// Options are validated once at the library boundary; each message names the option, and the
// split shares must sum to 1 exactly as decimals (SPEC §6).
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { OptionError } from '../../src/errors.js';
import { resolveOptions, type RunOptions } from '../../src/options.js';

const BASE = { transactions: 'data/t.csv' } as const;

function failure(options: unknown): OptionError {
  try {
    resolveOptions(options as RunOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return error as OptionError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('resolveOptions defaults', () => {
  it('fills every default', () => {
    expect(resolveOptions({ ...BASE })).toEqual({
      transactions: resolve('data/t.csv'),
      accounts: null,
      patterns: null,
      out: join(resolve('data'), 'checkpoints_all'),
      sample: null,
      chunkSize: 100_000,
      workers: availableParallelism(),
      workerHeapMb: 1024,
      // Depends on the machine's free memory; test/unit/memory-budget.test.ts checks it.
      memoryBudget: expect.any(Number),
      resumeFrom: null,
      fresh: false,
      imbalance: 'smote',
      smoteRatio: 1,
      seed: 42,
      split: ['0.6', '0.2', '0.2'],
      onBadRow: 'fail',
    });
  });

  it('names the default output folder after the sample size', () => {
    expect(resolveOptions({ ...BASE, sample: 500 }).out).toBe(
      join(resolve('data'), 'checkpoints_500'),
    );
  });

  it('keeps given values and resolves paths', () => {
    const o = resolveOptions({
      ...BASE,
      accounts: 'a.csv',
      patterns: 'p.txt',
      out: 'o',
      sample: 10,
      chunkSize: 7,
      workers: 3,
      workerHeapMb: 16,
      resumeFrom: 'normalized',
      fresh: false,
      imbalance: 'undersample',
      smoteRatio: 0.5,
      seed: 0,
      onBadRow: 'skip',
    });
    expect(o).toMatchObject({
      accounts: resolve('a.csv'),
      patterns: resolve('p.txt'),
      out: resolve('o'),
      sample: 10,
      chunkSize: 7,
      workers: 3,
      workerHeapMb: 16,
      resumeFrom: 'normalized',
      fresh: false,
      imbalance: 'undersample',
      smoteRatio: 0.5,
      seed: 0,
      onBadRow: 'skip',
    });
  });

  it('treats null like an absent option', () => {
    expect(
      resolveOptions({ ...BASE, workers: null, seed: null } as unknown as RunOptions),
    ).toMatchObject({ workers: availableParallelism(), seed: 42 });
  });

  it('accepts the largest 32-bit seed', () => {
    expect(resolveOptions({ ...BASE, seed: 0xffffffff }).seed).toBe(0xffffffff);
  });
});

describe('resolveOptions rejects', () => {
  it.each([
    ['workers', { workers: 0 }],
    ['workers', { workers: 1.5 }],
    ['workers', { workers: '2' }],
    ['workers', { workers: NaN }],
    ['workerHeapMb', { workerHeapMb: 15 }],
    ['workerHeapMb', { workerHeapMb: 512.5 }],
    ['chunkSize', { chunkSize: 0 }],
    ['chunkSize', { chunkSize: Infinity }],
    ['sample', { sample: 0 }],
    ['sample', { sample: -5 }],
    ['seed', { seed: -1 }],
    ['seed', { seed: 2 ** 32 }],
    ['seed', { seed: 4.2 }],
    ['imbalance', { imbalance: 'SMOTE' }],
    ['onBadRow', { onBadRow: 'ignore' }],
    ['resumeFrom', { resumeFrom: 'loaded' }],
    ['fresh', { fresh: 'yes' }],
    ['smoteRatio', { smoteRatio: NaN }],
    ['smoteRatio', { smoteRatio: Infinity }],
    ['smoteRatio', { smoteRatio: '1' }],
    ['accounts', { accounts: '' }],
    ['patterns', { patterns: 7 }],
    ['out', { out: '' }],
    ['transactions', { transactions: '' }],
    ['transactions', { transactions: undefined }],
    ['split', { split: '0.6,0.3,0.2' }],
  ])('an invalid %s, naming options.%s', (name, patch) => {
    const error = failure({ ...BASE, ...patch });
    expect(error.message).toContain(`options.${name}`);
    expect(error.code).toBe('ERR_AMLPREP_OPTION');
    expect(error.userFacing).toBe(true);
  });

  it('rejects something that is not an object', () => {
    expect(failure(null).message).toMatch(/options/);
    expect(failure('t.csv').message).toMatch(/options/);
  });

  it('refuses fresh together with resumeFrom, which contradict each other', () => {
    expect(failure({ ...BASE, fresh: true, resumeFrom: 'normalized' }).message).toBe(
      'options.fresh ignores every checkpoint, so options.resumeFrom (normalized) has ' +
        'nothing to load: give one of them',
    );
  });

  it('shows the value it was given', () => {
    expect(failure({ ...BASE, workers: -3 }).message).toMatch(/-3/);
    expect(failure({ ...BASE, imbalance: 'smot' }).message).toMatch(/"smot"/);
  });
});

describe('option keys', () => {
  it('refuses a key it does not know, naming it', () => {
    const error = failure({ ...BASE, colour: 'blue' });
    expect(error.message).toBe('unknown option colour');
    expect(error.code).toBe('ERR_AMLPREP_OPTION');
    expect(error.userFacing).toBe(true);
  });

  it('suggests the known key when only the case differs', () => {
    expect(failure({ ...BASE, smoteratio: 0.5 }).message).toBe(
      'unknown option smoteratio (did you mean smoteRatio?)',
    );
    expect(failure({ ...BASE, Workers: 2 }).message).toBe(
      'unknown option Workers (did you mean workers?)',
    );
  });

  it.each([
    ['wrokers', 'workers'],
    ['chunkSzie', 'chunkSize'],
    ['smoteRaito', 'smoteRatio'],
    ['onBadRows', 'onBadRow'],
  ])('names the option a slip like %s was meant as', (key, meant) => {
    expect(failure({ ...BASE, [key]: 1 }).message).toBe(
      `unknown option ${key} (did you mean ${meant}?)`,
    );
  });

  it('suggests nothing for a key far from every option', () => {
    expect(failure({ ...BASE, colour: 'red' }).message).toBe('unknown option colour');
  });

  it('refuses an unknown key even when its value is undefined', () => {
    expect(failure({ ...BASE, chunksize: undefined }).message).toContain('chunkSize?');
  });

  it('accepts every key RunOptions declares, the callbacks and the signal included', () => {
    const every: Required<RunOptions> = {
      transactions: 't.csv',
      accounts: 'a.csv',
      patterns: 'p.txt',
      out: 'o',
      sample: 10,
      chunkSize: 7,
      workers: 2,
      workerHeapMb: 64,
      memoryBudget: '4g',
      resumeFrom: 'weights',
      fresh: false,
      imbalance: 'none',
      smoteRatio: 0.5,
      seed: 1,
      split: '0.6,0.2,0.2',
      onBadRow: 'skip',
      onProgress: () => {},
      signal: new AbortController().signal,
    };
    expect(resolveOptions(every)).toMatchObject({ imbalance: 'none', workers: 2 });
  });

  it.each([
    ['a string', 'stop'],
    ['an AbortController', new AbortController()],
    ['a plain object', { aborted: false }],
  ])('refuses %s as the signal, before any step runs', (_what, signal) => {
    const message = failure({ ...BASE, signal }).message;

    expect(message).toMatch(/^options\.signal must be an AbortSignal, got /);
  });

  it('takes a signal-like object from another realm or a polyfill', () => {
    const signal = { aborted: false, addEventListener() {}, removeEventListener() {} };

    expect(() =>
      resolveOptions({ ...BASE, signal: signal as unknown as AbortSignal }),
    ).not.toThrow();
  });

  it.each([
    ['a string', 'log'],
    ['an object', { onProgress: () => {} }],
  ])('refuses %s as the progress listener', (_what, onProgress) => {
    expect(failure({ ...BASE, onProgress }).message).toMatch(
      /^options\.onProgress must be a function, got /,
    );
  });

  it('accepts the keys the command line passes, undefined ones included', () => {
    const cli: RunOptions = {
      transactions: 't.csv',
      accounts: undefined,
      patterns: undefined,
      out: undefined,
      sample: undefined,
      chunkSize: undefined,
      workers: undefined,
      workerHeapMb: undefined,
      resumeFrom: undefined,
      fresh: undefined,
      imbalance: undefined,
      smoteRatio: undefined,
      seed: undefined,
      split: undefined,
      onBadRow: undefined,
    };
    expect(resolveOptions(cli).seed).toBe(42);
  });
});

describe('split shares', () => {
  it.each([
    ['0.6,0.2,0.2', ['0.6', '0.2', '0.2']],
    [' 0.6 , 0.2 , 0.2 ', ['0.6', '0.2', '0.2']],
    ['0.7,0.15,0.15', ['0.7', '0.15', '0.15']],
    ['0.6,0.20,0.2', ['0.6', '0.2', '0.2']],
    ['.5,.25,.25', ['0.5', '0.25', '0.25']],
    ['0.8,0.1,0.1', ['0.8', '0.1', '0.1']],
    // 0.7 + 0.2 + 0.1 is 1 exactly as decimals, though 0.9999999999999999 as doubles.
    ['0.7,0.2,0.1', ['0.7', '0.2', '0.1']],
  ])('accepts %j', (text, shares) => {
    expect(resolveOptions({ ...BASE, split: text }).split).toEqual(shares);
  });

  it('accepts three numbers and keeps them as decimal text', () => {
    const split = (shares: [number, number, number]) =>
      resolveOptions({ ...BASE, split: shares }).split;
    expect(split([0.6, 0.2, 0.2])).toEqual(['0.6', '0.2', '0.2']);
    expect(0.7 + 0.2 + 0.1).not.toBe(1);
    expect(split([0.7, 0.2, 0.1])).toEqual(['0.7', '0.2', '0.1']);
  });

  it.each([
    ['shares summing to 1.1', '0.6,0.3,0.2'],
    ['shares summing to 0.9', '0.6,0.2,0.1'],
    ['shares summing to 1.0000001', '0.6,0.2,0.2000001'],
    ['two shares', '0.8,0.2'],
    ['four shares', '0.6,0.2,0.1,0.1'],
    ['a zero share', '0.6,0.4,0'],
    ['a negative share', '0.8,0.4,-0.2'],
    ['an exponent', '6e-1,0.2,0.2'],
    ['a percent', '60%,20%,20%'],
    ['an empty share', '0.6,,0.4'],
    ['a word', 'train,val,test'],
  ])('rejects %s', (_what, text) => {
    expect(failure({ ...BASE, split: text }).message).toContain('options.split');
  });

  // Trial JJ (session 26): a split that misses 1 was not told what it sums to.
  it.each([
    ['0.6,0.2,0.3', '1.1'],
    ['0.6,0.2,0.1', '0.9'],
    ['.6,.2,.2000001', '1.0000001'],
    ['1,1,1', '3'],
    ['0.5,0.25,0.5', '1.25'],
  ])('says what the shares %s sum to: %s', (text, sum) => {
    expect(failure({ ...BASE, split: text }).message).toBe(
      'options.split must be three positive decimal shares summing to 1 (e.g. 0.6,0.2,0.2), ' +
        `got "${text}"; they sum to ${sum}`,
    );
  });

  it('rejects numbers whose decimal form does not sum to 1', () => {
    // 0.1 + 0.2 is 0.30000000000000004 as a double: its text does not sum to 1 with 0.7.
    expect(failure({ ...BASE, split: [0.1 + 0.2, 0.35, 0.35] }).message).toContain('options.split');
    expect(
      failure({ ...BASE, split: [0.5, 0.5] as unknown as [number, number, number] }).message,
    ).toContain('options.split');
  });

  // Trial F (session 18): String(1e-7) is '1e-7', which the decimal check refused, and a
  // share computed as 1 - 0.2 - 0.2 was refused without saying why.
  it('reads a number JavaScript shows in exponent form as its decimal digits', () => {
    expect(resolveOptions({ ...BASE, split: [1e-7, 0.4999999, 0.5] }).split).toEqual([
      '0.0000001',
      '0.4999999',
      '0.5',
    ]);
    expect(resolveOptions({ ...BASE, split: [2.5e-8, 0.499999975, 0.5] }).split[0]).toBe(
      '0.000000025',
    );
  });

  // Trial E (session 18): `.6,.2,.2` on a folder of the default split recomputed every step
  // from normalized on, as a changed --split.
  it.each([
    ['.6,.2,.2', ['0.6', '0.2', '0.2']],
    ['0.60,0.20,0.200', ['0.6', '0.2', '0.2']],
    ['00.5,0.25,.250', ['0.5', '0.25', '0.25']],
  ])('spells the shares %s one way', (text, shares) => {
    expect(resolveOptions({ ...BASE, split: text }).split).toEqual(shares);
  });

  // Trial F (session 18): `got [object Object]`.
  it('shows an object given for a text or number option as JSON', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;

    expect(failure({ ...BASE, split: { a: 1 } as never }).message).toMatch(
      /got an object \(\{"a":1\}\)$/,
    );
    expect(failure({ ...BASE, memoryBudget: {} as never }).message).toContain('got an object ({})');
    expect(failure({ ...BASE, seed: cycle as never }).message).toMatch(/got an object$/);
    expect(failure({ ...BASE, seed: (() => 1) as never }).message).toMatch(/got a function$/);
  });

  it('says when numbers sum to 1 only up to floating point', () => {
    const message = failure({ ...BASE, split: [1 - 0.2 - 0.2, 0.2, 0.2] }).message;

    expect(message).toContain('as numbers they are 0.6000000000000001, 0.2, 0.2');
    expect(message).toContain('sum to 1 only up to floating point');
    expect(failure({ ...BASE, split: [0.5, 0.2, 0.2] }).message).not.toContain('floating');
  });

  // Trial L (session 19): NaN and the infinities were shown as null (JSON's spelling).
  it('shows NaN and the infinities in a refused value as themselves', () => {
    const message = failure({ ...BASE, split: [NaN, 0.5, -Infinity] }).message;

    expect(message).toMatch(/, got an array \(\[NaN,0\.5,-Infinity\]\)$/);
  });

  // Trial K (session 19): shares whose fault is their count, a zero, a negative or NaN were
  // told that they sum to 1 only up to floating point.
  it.each([
    [[0.5, 0.5]],
    [[1, 0, 0]],
    [[-0.2, 0.6, 0.6]],
    [[NaN, 0.5, 0.5]],
    [[0.25, 0.25, 0.25, 0.25]],
  ])('gives no floating-point hint for %j, whose fault is another', (split) => {
    const message = failure({ ...BASE, split }).message;

    expect(message).toMatch(/^options\.split must be three positive decimal shares summing to 1/);
    expect(message).not.toContain('floating point');
  });

  // The README offers three numbers or three decimal texts; [0.6, '0.2', 0.2] was accepted.
  it.each([[[0.6, '0.2', 0.2]], [['0.6', 0.2, '0.2']], [['0.5', '0.25', 0.25]]])(
    'refuses a split that mixes numbers and texts: %j',
    (split) => {
      const message = failure({ ...BASE, split }).message;

      expect(message).toMatch(/^options\.split mixes numbers and texts, got an array \(/);
      expect(message).toContain('give three numbers ([0.6, 0.2, 0.2]) or three decimal texts');
    },
  );
});
