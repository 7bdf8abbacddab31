// SPEC §3: a node's accounts row is the one whose bank id (leading zeros stripped) and account
// match its own; nodes are looked up in pieces as the merge gives out their ids.
import { describe, expect, it } from 'vitest';

import { ByteDict } from '../../src/ingest/byte-dict.js';
import { NodeRows } from '../../src/ingest/node-rows.js';

/** Match keys of accounts rows, as `indexAccounts` interns them: bank without zeros, NUL, id. */
function index(rows: [string, string][]): ByteDict {
  const dict = new ByteDict(2);
  for (const [bank, account] of rows) {
    const key = Buffer.from(`${bank}\u0000${account}`);
    dict.intern(key, 0, key.length);
  }
  return dict;
}

/** Merge keys of nodes (`bank,account`) as bytes with offsets from their first. */
function keys(nodes: string[]): { bytes: Uint8Array; offsets: Int32Array } {
  const parts = nodes.map((n) => Buffer.from(n));
  const offsets = new Int32Array(parts.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
  return { bytes: Buffer.concat(parts), offsets };
}

describe('NodeRows', () => {
  const byKey = index([
    ['10', 'A'],
    ['0', 'Z'],
    ['7', 'C'],
  ]);
  const nodes = ['010,A', '020,B', '0010,A', '000,Z', '7,C', '7,D'];
  // By hand: 010/A and 0010/A → row 0; 020/B none; 000/Z → row 1; 7/C → row 2; 7/D none.
  const expected = [0, -1, 0, 1, 2, -1];

  it('finds each node its row, leading zeros of the bank id aside', () => {
    const rows = new NodeRows(byKey);
    const all = keys(nodes);
    rows.add(all.bytes, all.offsets);

    expect(rows.count).toBe(6);
    expect(nodes.map((_, v) => rows.row(v))).toEqual(expected);
  });

  it('gives the same rows when nodes arrive in pieces, one piece empty', () => {
    const rows = new NodeRows(byKey);
    for (const piece of [nodes.slice(0, 1), [], nodes.slice(1, 4), nodes.slice(4)]) {
      const k = keys(piece);
      rows.add(k.bytes, k.offsets);
    }

    expect(nodes.map((_, v) => rows.row(v))).toEqual(expected);
  });

  it('finds rows of many nodes, long keys among them, as a string map does', () => {
    // Nodes are looked up 128 at a time with their keys side by side in one buffer, which
    // grows; accounts of 3 to 40 characters put keys on both sides of the 20-byte inline size.
    const accounts = Array.from({ length: 1_000 }, (_, i) => [
      '' + (i % 37),
      'K'.repeat(i % 38) + i,
    ]);
    const byKeyMany = index(accounts.filter((_, i) => i % 4 !== 0) as [string, string][]);
    const reference = new Map<string, number>();
    accounts
      .filter((_, i) => i % 4 !== 0)
      .forEach(([bank, account], row) => reference.set(`${Number(bank)}/${account}`, row));
    const many = accounts.map(([bank, account], i) => `${'0'.repeat(i % 3)}${bank},${account}`);

    const rows = new NodeRows(byKeyMany);
    const k = keys(many);
    rows.add(k.bytes, k.offsets);

    const found = accounts.map((_, v) => rows.row(v));
    const expected = accounts.map(([b, a]) => reference.get(`${Number(b)}/${a}`) ?? -1);
    expect(found).toEqual(expected);
    expect(found.filter((r) => r === -1)).toHaveLength(250);
  });

  it('grows past its first capacity', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? '7,C' : `9,X${i}`));
    const rows = new NodeRows(byKey);
    for (let at = 0; at < many.length; at += 3_000) {
      const k = keys(many.slice(at, at + 3_000));
      rows.add(k.bytes, k.offsets);
    }

    expect(rows.count).toBe(10_000);
    expect(many.every((_, v) => rows.row(v) === (v % 3 === 0 ? 2 : -1))).toBe(true);
  });
});
