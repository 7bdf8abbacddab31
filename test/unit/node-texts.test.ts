// SPEC §2: a node's bank and account are the texts of its key's two fields; banks are coded
// by first appearance among nodes.
import { describe, expect, it } from 'vitest';

import { nodeTexts, NodeTextsBuilder } from '../../src/ingest/node-texts.js';
import { Pacer } from '../../src/pipeline/pacer.js';

function keysOf(keys: string[]) {
  const parts = keys.map((k) => Buffer.from(k, 'utf8'));
  const offsets = new Int32Array(parts.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
  return { bytes: Buffer.concat(parts), offsets };
}

describe('nodeTexts', () => {
  it('splits keys at the first comma, or at NUL when a quoted field held a comma', async () => {
    // By hand: `0,1 NUL X` is bank "0,1", account "X"; `7,é,é` is bank "7", account "é,é".
    const keys = ['011,A', '0011,A', '011,B', '0,1\u0000X', '7,é,é', '0011,C'];

    const t = await nodeTexts(keysOf(keys), new Pacer(undefined));

    expect(t.bank).toEqual(['011', '0011', '011', '0,1', '7', '0011']);
    expect(t.account).toEqual(['A', 'A', 'B', 'X', 'é,é', 'C']);
    expect(t.banks).toEqual(['011', '0011', '0,1', '7']);
    expect([...t.bankId]).toEqual([0, 1, 0, 2, 3, 1]);
  });

  it('gives nothing for no nodes', async () => {
    const t = await nodeTexts(keysOf([]), new Pacer(undefined));

    expect(t).toMatchObject({ bank: [], account: [], banks: [] });
    expect(t.bankId.length).toBe(0);
  });
  it('gives the same texts when nodes come in pieces as the merge hands them out', async () => {
    // The load adds each merged stretch of nodes (keys with offsets from the stretch's first
    // byte), sometimes starting inside one it has partly taken; the rest come with all keys.
    const keys = ['011,A', '0011,A', '011,B', '0,1\u0000X', '7,é,é', '0011,C', '7,D', '9,E'];
    const builder = new NodeTextsBuilder();
    builder.add(keysOf(keys.slice(0, 2)).bytes, keysOf(keys.slice(0, 2)).offsets);
    const stretch = keysOf(keys.slice(1, 5));
    builder.add(stretch.bytes, stretch.offsets, 1);

    const t = await builder.finish(keysOf(keys), new Pacer(undefined));

    expect(t).toEqual(await nodeTexts(keysOf(keys), new Pacer(undefined)));
    expect(t.bank).toEqual(['011', '0011', '011', '0,1', '7', '0011', '7', '9']);
    expect([...t.bankId]).toEqual([0, 1, 0, 2, 3, 1, 3, 4]);
  });
});
