import { inSlices, type Pacer } from '../pipeline/pacer.js';
import { ByteDict } from './byte-dict.js';
import { separator } from './match-key.js';
import type { NodeKeys } from './node-merger.js';
import { fieldText } from './read-file.js';

/** The bank and account texts of the transaction nodes, and each node's bank as an id. */
export interface NodeTexts {
  bank: string[];
  account: string[];
  /** Node v's bank is `banks[bankId[v]]`; ids in order of first appearance among nodes. */
  bankId: Int32Array;
  banks: string[];
}

/**
 * Splits every node's merge key into bank and account. Banks are interned as bytes, so a
 * bank text is decoded once and shared by all its nodes (HI-Small: 30 K banks for 515 K
 * nodes); decoding whole keys and slicing them made three strings a node and, at 10 M rows,
 * a third of a second of garbage collection after the last chunk.
 */
export async function nodeTexts(nodes: NodeKeys, pace: Pacer): Promise<NodeTexts> {
  const count = nodes.offsets.length - 1;
  const { bytes, offsets } = nodes;
  const byBytes = new ByteDict(1 << 10);
  const out: NodeTexts = {
    bank: new Array<string>(count),
    account: new Array<string>(count),
    bankId: new Int32Array(count),
    banks: [],
  };

  await inSlices(pace, count, (from, to) => {
    for (let v = from; v < to; v++) {
      const start = offsets[v]!;
      const end = offsets[v + 1]!;
      const cut = separator(bytes, start, end);
      const id = byBytes.intern(bytes, start, cut);
      if (id === out.banks.length) out.banks.push(fieldText(bytes, start, cut));
      out.bankId[v] = id;
      out.bank[v] = out.banks[id]!;
      out.account[v] = fieldText(bytes, cut + 1, end);
    }
  });
  return out;
}
