// SPEC §2: node ids follow the first appearance of an account in the file (row order, sender
// before receiver), whatever order the pool finishes chunks in and whatever dictionary a chunk
// was parsed into. The reference numbers keys with a plain Map over the rows in file order.
import { describe, expect, it } from 'vitest';

import { ByteDict } from '../../src/ingest/byte-dict.js';
import { NodeMerger } from '../../src/ingest/node-merger.js';
import type { KeySpace, ParsedChunk } from '../../src/ingest/parse-chunk.js';
import { Pacer } from '../../src/pipeline/pacer.js';
import { keyTexts } from '../helpers/node-keys.js';
import { rng } from '../helpers/rng.js';

const SESSION = 'load-1';

/** Chunks of rows, each row a sender and a receiver key. */
type Rows = [string, string][];

function randomChunks(seed: number, chunks: number, rows: number, accounts: number): Rows[] {
  const next = rng(seed);
  const key = () => `0${Math.floor(next() * 9)},${Math.floor(next() * accounts).toString(16)}`;
  return Array.from({ length: chunks }, () =>
    Array.from({ length: rows }, (): [string, string] => [key(), key()]),
  );
}

/** Node keys in order of first appearance, and each row's node ids. */
function reference(chunks: Rows[]) {
  const ids = new Map<string, number>();
  const id = (k: string) => {
    if (!ids.has(k)) ids.set(k, ids.size);
    return ids.get(k)!;
  };
  const rows = chunks.map((c) => c.flatMap(([s, d]) => [id(s), id(d)]));
  return { keys: [...ids.keys()], rows };
}

/** A chunk whose rows are ids of `dict`; it carries the dictionary's keys from `from` on. */
function chunkOf(rows: Rows, dict: ByteDict, from: number, space: KeySpace): ParsedChunk {
  const src = new Int32Array(rows.length);
  const dst = new Int32Array(rows.length);
  rows.forEach(([s, d], r) => {
    src[r] = dict.intern(Buffer.from(s), 0, Buffer.byteLength(s));
    dst[r] = dict.intern(Buffer.from(d), 0, Buffer.byteLength(d));
  });
  const keys = dict.exportRange(from, dict.size);
  return {
    rows: rows.length,
    src,
    dst,
    accountKeys: keys.bytes,
    accountOffsets: keys.offsets,
    keySpace: space,
  } as ParsedChunk;
}

/** What parsing on `threads` worker threads gives: chunks dealt round-robin in `order`. */
function threadChunks(chunks: Rows[], order: number[], threads: number) {
  const dicts = Array.from({ length: threads }, () => ({ dict: new ByteDict(4), reported: 0 }));
  return order.map((index, n) => {
    const worker = n % threads;
    const t = dicts[worker]!;
    const base = t.reported;
    const chunk = chunkOf(chunks[index]!, t.dict, base, {
      kind: 'worker',
      session: SESSION,
      worker,
      base,
    });
    t.reported = t.dict.size;
    return { index, chunk };
  });
}

function rowIds(c: ParsedChunk): number[] {
  return Array.from({ length: c.rows }, (_, r) => [c.src[r]!, c.dst[r]!]).flat();
}

function shuffled(n: number, seed: number): number[] {
  const next = rng(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('NodeMerger', () => {
  it('numbers nodes by first appearance in the file, in any order of arrival', async () => {
    const chunks = randomChunks(1, 12, 300, 400);
    const want = reference(chunks);
    const merger = new NodeMerger(SESSION, new Pacer(undefined));
    const got = threadChunks(chunks, shuffled(12, 2), 3);
    for (const { index, chunk } of got) merger.receive(index, chunk);

    const nodes = await merger.finish(12);
    expect(keyTexts(nodes)).toEqual(want.keys);
    const byIndex = new Map(got.map((g) => [g.index, g.chunk]));
    expect(chunks.map((_, i) => rowIds(byIndex.get(i)!))).toEqual(want.rows);
  });

  it('waits for a thread result that arrives after a later one of the same thread', async () => {
    // Thread 0 parses chunk 0 then chunk 1, and chunk 1 uses keys chunk 0 reported. The
    // results are delivered the other way round.
    const chunks: Rows[] = [[['1,A', '1,B']], [['1,B', '1,A']]];
    const [first, second] = threadChunks(chunks, [0, 1], 1);
    const merger = new NodeMerger(SESSION, new Pacer(undefined));
    merger.receive(1, second!.chunk);
    merger.receive(0, first!.chunk);

    expect(keyTexts(await merger.finish(2))).toEqual(['1,A', '1,B']);
    expect(rowIds(second!.chunk)).toEqual([1, 0]);
  });

  it('merges chunks of their own dictionary, as a chunk cut into pieces comes', async () => {
    const chunks = randomChunks(3, 6, 200, 150);
    const want = reference(chunks);
    const merger = new NodeMerger(SESSION, new Pacer(undefined));
    const own = chunks.map((rows) => chunkOf(rows, new ByteDict(4), 0, { kind: 'chunk' }));
    for (const i of shuffled(6, 4)) merger.offer(i, own[i]!);

    expect(keyTexts(await merger.finish(6))).toEqual(want.keys);
    expect(own.map(rowIds)).toEqual(want.rows);
  });

  it('leaves chunks with node ids and the nodes they added, for a later load', async () => {
    const chunks = randomChunks(5, 8, 250, 300);
    const want = reference(chunks);
    const first = new NodeMerger(SESSION, new Pacer(undefined));
    const got = threadChunks(chunks, [0, 1, 2, 3, 4, 5, 6, 7], 2);
    for (const { index, chunk } of got) first.receive(index, chunk);
    await first.finish(8);

    // The records of chunks 0-4 (as runChunks stores them, copied), then chunks 5-7 parsed
    // again by a fresh thread of another load.
    const records = got.slice(0, 5).map(({ chunk }) => structuredClone(chunk));
    for (const r of records) expect(r.keySpace.kind).toBe('global');
    const bases = records.map((r) => (r.keySpace as { base: number }).base);
    const added = records.map((r) => r.accountOffsets.length - 1);
    expect(bases).toEqual(added.map((_, i) => added.slice(0, i).reduce((a, b) => a + b, 0)));

    const second = new NodeMerger('load-2', new Pacer(undefined));
    const again = threadChunks(chunks.slice(5), [0, 1, 2], 1).map(({ index, chunk }) => ({
      index: index + 5,
      chunk: { ...chunk, keySpace: { ...chunk.keySpace, session: 'load-2' } } as ParsedChunk,
    }));
    for (const { index, chunk } of again.reverse()) second.receive(index, chunk);
    records.forEach((r, i) => second.offer(i, r));

    expect(keyTexts(await second.finish(8))).toEqual(want.keys);
    expect([...records, ...again.reverse().map((a) => a.chunk)].map(rowIds)).toEqual(want.rows);
  });

  it('refuses a record that does not continue the node ids where the merge stands', async () => {
    const [a, b] = randomChunks(7, 2, 50, 40);
    const dict = new ByteDict(4);
    const c0 = chunkOf(a!, dict, 0, { kind: 'global', base: 0 });
    // Chunk 1's record claims to start at node 3, but chunk 0 added more than 3 nodes.
    const c1 = chunkOf(b!, dict, dict.size, { kind: 'global', base: 3 });
    const merger = new NodeMerger(SESSION, new Pacer(undefined));
    merger.offer(0, c0);
    merger.offer(1, c1);

    await expect(merger.finish(2)).rejects.toThrow(
      'data_loaded chunk 1: its record does not continue the node ids at 3',
    );
  });

  it('after a failed chunk, merges the chunks before it and rejects the ones after', async () => {
    const chunks = randomChunks(9, 4, 20, 30);
    const got = threadChunks(chunks, [0, 1, 2, 3], 2);
    const merger = new NodeMerger(SESSION, new Pacer(undefined));
    const waits = [0, 1, 3].map((i) =>
      merger.merged(i).then(
        () => 'merged',
        (e: Error) => e.message,
      ),
    );
    merger.receive(3, got[3]!.chunk);
    merger.fail(2);
    merger.receive(0, got[0]!.chunk);
    merger.receive(1, got[1]!.chunk);

    expect(await Promise.all(waits)).toEqual([
      'merged',
      'merged',
      'data_loaded chunk 3 not merged: chunk 2 failed',
    ]);
    await expect(merger.merged(2)).rejects.toThrow('chunk 2 not merged: chunk 2 failed');
  });

  it('refuses a chunk parsed in the dictionary of another load', () => {
    const [c] = threadChunks(randomChunks(11, 1, 5, 5), [0], 1);
    const merger = new NodeMerger('load-9', new Pacer(undefined));
    expect(() => merger.receive(0, c!.chunk)).toThrow('parsed in another load');
  });
});
