// SPEC §2: parsing the sample's chunks into one thread dictionary, in any order, then merging
// gives the same node ids and rows as chunks of their own dictionaries; the reference is the
// sample's accounts numbered by first appearance with a plain Map over its decoded rows.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { readHeader, TRANSACTION_COLUMNS } from '../../src/ingest/header.js';
import { NodeMerger } from '../../src/ingest/node-merger.js';
import { parseChunk, type ParsedChunk } from '../../src/ingest/parse-chunk.js';
import { planChunks } from '../../src/ingest/scan.js';
import { endSession, parseInSession } from '../../src/ingest/thread-dictionary.js';
import { Pacer } from '../../src/pipeline/pacer.js';
import { keyTexts } from '../helpers/node-keys.js';
import { SAMPLE } from '../helpers/paths.js';

const path = SAMPLE.transactions;
const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
const plan = planChunks(path, header.dataStart, header.dataLine, 3000, null);

/** `bank,account` of every row's sender and receiver, from the text (the sample is unquoted). */
function sampleKeys(): string[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.flatMap((l) => {
    const f = l.replace(/\r$/, '').split(',');
    return [`${f[1]},${f[2]}`, `${f[3]},${f[4]}`];
  });
}

function rowKeys(chunks: ParsedChunk[], nodes: string[]): string[] {
  return chunks.flatMap((c) =>
    Array.from({ length: c.rows }, (_, r) => [nodes[c.src[r]!]!, nodes[c.dst[r]!]!]).flat(),
  );
}

describe('parseInSession', () => {
  it('gives the sample the node ids of a first-appearance reference', async () => {
    const keys = sampleKeys();
    const order = plan.chunks.map((_, i) => i).reverse();
    const parsed = new Array<ParsedChunk>(plan.chunks.length);
    const merger = new NodeMerger('s1', new Pacer(undefined));
    for (const i of order) {
      parsed[i] = parseInSession(path, plan.chunks[i]!, false, 's1');
      merger.receive(i, parsed[i]);
    }
    const nodes = keyTexts(await merger.finish(parsed.length));

    expect(nodes).toEqual([...new Set(keys)]);
    expect(rowKeys(parsed, nodes)).toEqual(keys);
  });

  it('reports each key once per load, and starts empty for a new load', () => {
    const a = parseInSession(path, plan.chunks[0]!, false, 's2');
    const b = parseInSession(path, plan.chunks[0]!, false, 's2');
    const own = parseChunk(path, plan.chunks[0]!, false);
    const c = parseInSession(path, plan.chunks[0]!, false, 's3');

    expect(a.keySpace).toMatchObject({ kind: 'worker', session: 's2', base: 0 });
    expect(a.accountOffsets.length - 1).toBe(own.accountOffsets.length - 1);
    expect(b.keySpace).toMatchObject({ base: own.accountOffsets.length - 1 });
    expect(b.accountOffsets.length - 1).toBe(0);
    expect(Array.from(b.src.subarray(0, b.rows))).toEqual(
      Array.from(own.src.subarray(0, own.rows)),
    );
    expect(c.keySpace).toMatchObject({ session: 's3', base: 0 });
    expect(Buffer.from(c.accountKeys).equals(Buffer.from(own.accountKeys))).toBe(true);
  });

  it('names a new dictionary after the thread dropped its own', async () => {
    const keys = sampleKeys().slice(0, 2 * (plan.chunks[0]!.rows + plan.chunks[1]!.rows));
    const a = parseInSession(path, plan.chunks[0]!, false, 's4');
    endSession();
    // Same load, new dictionary: were it named as the first, its keys from 0 would clash.
    const b = parseInSession(path, plan.chunks[1]!, false, 's4');
    const merger = new NodeMerger('s4', new Pacer(undefined));
    merger.receive(1, b);
    merger.receive(0, a);
    const nodes = keyTexts(await merger.finish(2));

    expect(b.keySpace).toMatchObject({ kind: 'global', base: a.accountOffsets.length - 1 });
    expect(nodes).toEqual([...new Set(keys)]);
    expect(rowKeys([a, b], nodes)).toEqual(keys);
  });
});
