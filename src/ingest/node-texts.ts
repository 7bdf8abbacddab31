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
 * Splits nodes' merge keys into bank and account, node by node in id order. Banks are
 * interned as bytes, so a bank text is decoded once and shared by all its nodes (HI-Small:
 * 30 K banks for 515 K nodes); decoding whole keys and slicing them made three strings a node
 * and, at 10 M rows, a third of a second of garbage collection after the last chunk.
 *
 * The load adds nodes as the merge gives them out, while the pool still parses: done after
 * the last chunk, this was 0.12 s of serial work at HI-Small scale.
 */
export class NodeTextsBuilder {
  readonly #byBytes = new ByteDict(1 << 10);
  readonly #bank: string[] = [];
  readonly #account: string[] = [];
  readonly #banks: string[] = [];
  #bankId = new Int32Array(1 << 12);

  /** Nodes added so far: ids `0 .. count - 1`. */
  get count(): number {
    return this.#bank.length;
  }

  /** Adds nodes `count ..`, node `count + i` being `bytes[offsets[i] .. offsets[i + 1])`. */
  add(bytes: Uint8Array, offsets: Int32Array, from = 0, to = offsets.length - 1): void {
    const first = this.count;
    if (first + to - from > this.#bankId.length) {
      const next = new Int32Array(Math.max(first + to - from, 2 * this.#bankId.length));
      next.set(this.#bankId.subarray(0, first));
      this.#bankId = next;
    }
    for (let i = from; i < to; i++) {
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      const cut = separator(bytes, start, end);
      const id = this.#byBytes.intern(bytes, start, cut);
      if (id === this.#banks.length) this.#banks.push(fieldText(bytes, start, cut));
      this.#bankId[first + i - from] = id;
      this.#bank.push(this.#banks[id]!);
      this.#account.push(fieldText(bytes, cut + 1, end));
    }
  }

  /** The texts of every node, once `nodes` (all of them, in id order) are in. */
  async finish(nodes: NodeKeys, pace: Pacer): Promise<NodeTexts> {
    const count = nodes.offsets.length - 1;
    if (this.count > count) throw new Error(`node texts of ${this.count} nodes, not ${count}`);
    // In full key lists, node v's key is entry v: the missing nodes follow on from `count`.
    await inSlices(pace, count - this.count, (from, to) => {
      this.add(nodes.bytes, nodes.offsets, this.count, this.count + to - from);
    });
    return {
      bank: this.#bank,
      account: this.#account,
      bankId: this.#bankId.slice(0, count),
      banks: this.#banks,
    };
  }
}

/** The texts of `nodes`, all at once. */
export async function nodeTexts(nodes: NodeKeys, pace: Pacer): Promise<NodeTexts> {
  return new NodeTextsBuilder().finish(nodes, pace);
}
