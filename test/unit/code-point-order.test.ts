// SPEC §2: categorical codes index the values sorted in code point order, not UTF-16 order.
import { describe, expect, it } from 'vitest';

import { compareCodePoints, dictionaryOf } from '../../src/ingest/code-point-order.js';
import { rng } from '../helpers/rng.js';

/** Reference order: compare the arrays of code points lexicographically. */
function reference(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

describe('compareCodePoints', () => {
  it('puts U+1F600 after U+FFFF, unlike UTF-16 order', () => {
    // UTF-16: "\u{1F600}" is D83D DE00, and D83D < FFFF, so sort() puts the emoji first.
    expect(['\uFFFF', '\u{1F600}'].sort()).toEqual(['\u{1F600}', '\uFFFF']);
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
    expect(compareCodePoints('\uFFFF', '\u{1F600}')).toBeLessThan(0);
    expect(['\uFFFF', '\u{1F600}'].sort(compareCodePoints)).toEqual(['\uFFFF', '\u{1F600}']);
  });

  it('orders a prefix first and equal strings as equal', () => {
    expect(compareCodePoints('US', 'US Dollar')).toBeLessThan(0);
    expect(compareCodePoints('\u{1F600}', '\u{1F600}a')).toBeLessThan(0);
    expect(compareCodePoints('Euro', 'Euro')).toBe(0);
    expect(compareCodePoints('', '')).toBe(0);
    expect(compareCodePoints('', 'a')).toBeLessThan(0);
  });

  it('compares past an equal astral character', () => {
    expect(compareCodePoints('\u{1F600}b', '\u{1F600}a')).toBeGreaterThan(0);
    expect(compareCodePoints('x\u{10000}', 'x\uE000')).toBeGreaterThan(0);
  });

  it('agrees in sign with a code point reference on random strings', () => {
    const next = rng(3);
    const pool = [
      'a',
      'b',
      'Z',
      ' ',
      'é',
      '€',
      '\uE000',
      '\uFFFF',
      '\u{10000}',
      '\u{1F600}',
      '\u{10FFFF}',
    ];
    const word = () =>
      Array.from(
        { length: Math.floor(next() * 4) },
        () => pool[Math.floor(next() * pool.length)]!,
      ).join('');
    const wrong: string[][] = [];
    for (let n = 0; n < 5000; n++) {
      const a = word();
      const b = word();
      if (Math.sign(compareCodePoints(a, b)) !== Math.sign(reference(a, b))) wrong.push([a, b]);
    }
    expect(wrong).toEqual([]);
  });
});

describe('dictionaryOf', () => {
  it('gives each distinct value its index in code point order', () => {
    const dict = dictionaryOf(['US Dollar', '\u{1F600}', 'Euro', '\uFFFF', 'Euro', 'Bitcoin']);
    expect(dict.values).toEqual(['Bitcoin', 'Euro', 'US Dollar', '\uFFFF', '\u{1F600}']);
    expect([...dict.code]).toEqual([
      ['Bitcoin', 0],
      ['Euro', 1],
      ['US Dollar', 2],
      ['\uFFFF', 3],
      ['\u{1F600}', 4],
    ]);
  });

  it('keeps zero-padded spellings apart', () => {
    // SPEC §1: "011" and "0011" are two bank ids; '0' < '1' puts "0011" first.
    expect(dictionaryOf(['011', '0011', '11', '011']).values).toEqual(['0011', '011', '11']);
  });
});
