// SPEC §2: currency and format ids are dense and in order of first appearance, whatever the
// cache in front of the dictionary holds.
import { describe, expect, it } from 'vitest';

import { CodeDict } from '../../src/ingest/code-dict.js';
import { rng } from '../helpers/rng.js';

function intern(dict: CodeDict, value: string): number {
  const buf = Buffer.from(`,${value},`, 'utf8');
  return dict.intern(buf, 1, buf.length - 1);
}

describe('CodeDict', () => {
  it('numbers codes in order of first appearance', () => {
    const dict = new CodeDict();
    const ids = ['US Dollar', 'Euro', 'US Dollar', 'Yuan', 'Euro', 'Euro'].map((v) =>
      intern(dict, v),
    );
    expect(ids).toEqual([0, 1, 0, 2, 1, 1]);
    expect(dict.values()).toEqual(['US Dollar', 'Euro', 'Yuan']);
    expect(dict.size).toBe(3);
  });

  it('tells apart codes that share length, first, middle and last byte', () => {
    // Such codes fall on one cache line: each must evict the other, never answer for it.
    const dict = new CodeDict();
    const codes = ['AxxxB', 'AyxzB', 'AzxyB'];
    const ids = [0, 1, 2, 0, 2, 1, 1, 0].map((i) => intern(dict, codes[i]!));
    expect(ids).toEqual([0, 1, 2, 0, 2, 1, 1, 0]);
  });

  it('matches a Map reference over thousands of codes, long and empty ones included', () => {
    const next = rng(77);
    const dict = new CodeDict();
    const ref = new Map<string, number>();
    const wrong: string[] = [];
    for (let n = 0; n < 30_000; n++) {
      const len = Math.floor(next() * 40);
      const v = Array.from({ length: len }, () => 'aAé $'[Math.floor(next() * 5)]).join('');
      if (!ref.has(v)) ref.set(v, ref.size);
      if (intern(dict, v) !== ref.get(v)) wrong.push(JSON.stringify(v));
    }
    expect(wrong).toEqual([]);
    expect(dict.values()).toEqual([...ref.keys()]);
  });
});
