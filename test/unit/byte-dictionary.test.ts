// SPEC §2: chunk-local ids are dense and in order of first appearance; the interned bytes
// are what the merge turns into global node ids and dictionaries.
import { describe, expect, it } from 'vitest';

import { ByteDict } from '../../src/ingest/byte-dict.js';
import { rng } from '../helpers/rng.js';

describe('ByteDict', () => {
  it('numbers values in order of first appearance', () => {
    const dict = new ByteDict();
    const ids = ['020,Z9', '010,A1', '020,Z9', '', '010,A1', 'é'].map((v) => {
      const buf = Buffer.from(v, 'utf8');
      return dict.intern(buf, 0, buf.length);
    });
    expect(ids).toEqual([0, 1, 0, 2, 1, 3]);
    expect(dict.values()).toEqual(['020,Z9', '010,A1', '', 'é']);
    expect(dict.size).toBe(4);
  });

  it('interns a byte range in the middle of a buffer', () => {
    const dict = new ByteDict();
    const buf = Buffer.from('xx010,A1yy010,A1', 'latin1');
    expect(dict.intern(buf, 2, 8)).toBe(0);
    expect(dict.intern(buf, 10, 16)).toBe(0);
    expect(dict.intern(buf, 2, 5)).toBe(1);
    expect(dict.values()).toEqual(['010,A1', '010']);
  });

  it('finds a key of any inline length whether bytes follow it in its buffer or not', () => {
    // Keys with 20 readable bytes from their start are read a word at a time and masked; keys
    // near their buffer's end a byte at a time. Both readings must give one key one id.
    const dict = new ByteDict();
    const keys = Array.from({ length: 21 }, (_, n) => 'B,9A8Z7Y6X5W4V3U2T1S0'.slice(0, n));
    const atEnd = keys.map((k) => dict.intern(Buffer.from(k), 0, k.length));
    const inside = keys.map((k) => {
      const buf = Buffer.from(`xx${k}${'~'.repeat(24)}`);
      return dict.intern(buf, 2, 2 + k.length);
    });
    expect(inside).toEqual(atEnd);
    expect(new Set(atEnd).size).toBe(21);
    expect(dict.values()).toEqual(keys);
  });

  it('matches a Map reference while growing past its expected size', () => {
    // Start tiny so the entry arrays, the byte pool and the hash table all grow many times.
    const next = rng(21);
    const dict = new ByteDict(1);
    const ref = new Map<string, number>();
    const order: string[] = [];
    const wrong: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(next() * 12);
      const v = Array.from({ length: len }, () => 'ab0,1é'[Math.floor(next() * 6)]).join('');
      if (!ref.has(v)) {
        ref.set(v, ref.size);
        order.push(v);
      }
      const buf = Buffer.from(v, 'utf8');
      if (dict.intern(buf, 0, buf.length) !== ref.get(v)) wrong.push(v);
    }
    expect(wrong).toEqual([]);
    expect(dict.values()).toEqual(order);
  });

  it('interns a list of keys as interning them one by one does, growing in between', () => {
    // internAll hashes a batch of keys before interning them; new keys among them grow the
    // table in between, so a hash must not depend on the table's size. 5,000 keys are many
    // batches, some of them repeats of earlier keys.
    const next = rng(7);
    const keys = Array.from({ length: 5_000 }, () => {
      const len = 1 + Math.floor(next() * 30);
      return Array.from({ length: len }, () => 'B,09AZ'[Math.floor(next() * 6)]).join('');
    });
    // The keys in reverse order in one buffer: the last key of the list is at its start,
    // the first one at its end (read a byte at a time).
    const buf = Buffer.from([...keys].reverse().join(''));
    const bounds = new Int32Array(2 * keys.length);
    let end = buf.length;
    keys.forEach((key, k) => {
      bounds[2 * k] = end - Buffer.byteLength(key);
      bounds[2 * k + 1] = end;
      end -= Buffer.byteLength(key);
    });

    const all = new ByteDict(1);
    const ids = new Int32Array(keys.length);
    all.internAll(buf, bounds, keys.length, ids);

    const oneByOne = new ByteDict(1);
    const expected = keys.map((k) => oneByOne.intern(Buffer.from(k), 0, k.length));
    expect([...ids]).toEqual(expected);
    expect(all.values()).toEqual([...new Set(keys)]);
  });

  it('exports its keys as bytes with offsets in id order', () => {
    const dict = new ByteDict(2);
    const values = ['010,A1', 'Z', '', '0\u00001,X', 'long '.repeat(100)];
    for (const v of values) {
      const buf = Buffer.from(v, 'utf8');
      dict.intern(buf, 0, buf.length);
    }
    const { bytes, offsets } = dict.exportKeys();
    expect(offsets.length).toBe(values.length + 1);
    const back = values.map((_, i) =>
      Buffer.from(bytes.subarray(offsets[i], offsets[i + 1])).toString('utf8'),
    );
    expect(back).toEqual(values);
  });

  it('tells apart keys that share their first 20 bytes or differ only past them', () => {
    // Keys of up to 20 bytes are compared inside the table's slot, longer ones in the pool:
    // both paths, and keys padded with NUL bytes, which the slot's zero padding must not hide.
    const next = rng(5);
    const dict = new ByteDict(1);
    const ref = new Map<string, number>();
    const wrong: string[] = [];
    const stem = '0123456789,ABCDEF012';
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(next() * 6);
      const tail = Array.from({ length: len }, () => 'a\u0000'[Math.floor(next() * 2)]).join('');
      const v = stem.slice(0, 14 + Math.floor(next() * 7)) + tail;
      if (!ref.has(v)) ref.set(v, ref.size);
      const buf = Buffer.from(v, 'latin1');
      if (dict.intern(buf, 0, buf.length) !== ref.get(v)) wrong.push(JSON.stringify(v));
    }
    expect(wrong).toEqual([]);
    expect(dict.size).toBe(ref.size);
  });

  it("exports a range of ids with offsets from the range's first byte", () => {
    const dict = new ByteDict(2);
    const values = ['010,A1', 'Z', '', 'bank with a long name,X1', '7,7'];
    for (const v of values) dict.intern(Buffer.from(v), 0, Buffer.byteLength(v));
    const { bytes, offsets } = dict.exportRange(1, 4);
    expect(Array.from(offsets)).toEqual([0, 1, 1, 25]);
    expect(Buffer.from(bytes).toString()).toBe('Zbank with a long name,X1');
    expect(dict.exportRange(5, 5).bytes.length).toBe(0);
  });
  it('answers lookups from another dictionary’s shared slots and keys as that one would', () => {
    // How the accounts file's dictionary reaches the coordinator (AccountsTable.slots): short
    // keys compared in the slot, keys over 20 bytes against the pool; absent keys give -1.
    const next = rng(7);
    const made = new ByteDict(4, { shared: true });
    const keys: string[] = [];
    for (let n = 0; n < 3_000; n++) {
      const len = 1 + Math.floor(next() * 40);
      const k = Array.from({ length: len }, () => 'x9,\u0000é'[Math.floor(next() * 5)]).join('');
      const buf = Buffer.from(k, 'utf8');
      if (made.intern(buf, 0, buf.length) === keys.length) keys.push(k);
    }
    const exported = made.exportKeys();

    const copy = ByteDict.fromSlots(made.slots, exported.bytes, exported.offsets);

    expect(made.slots.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(copy.size).toBe(keys.length);
    const ids = keys.map((k) => copy.find(Buffer.from(k, 'utf8'), 0, Buffer.byteLength(k)));
    expect(ids).toEqual(keys.map((_, i) => i));
    for (const absent of ['', 'zz', 'x9,'.repeat(9), keys[0] + 'q']) {
      if (!keys.includes(absent)) expect(copy.find(Buffer.from(absent), 0, absent.length)).toBe(-1);
    }
    expect(() => copy.intern(Buffer.from('new'), 0, 3)).toThrow(/takes no new keys/);
  });
});
