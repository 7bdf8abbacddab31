import { inSlices, type Pacer } from '../pipeline/pacer.js';
import { ByteDict } from './byte-dict.js';
import type { ParsedChunk } from './parse-chunk.js';
import { ThreadKeys } from './thread-keys.js';

/**
 * Gives the chunks' accounts their global node ids, in file order, as chunks arrive. Chunks
 * finish out of order on the pool; each is merged as soon as every chunk before it has been,
 * so this main-thread work overlaps the parsing of later chunks. A merged chunk's `src` and
 * `dst` hold node ids and its keys are the nodes it added (`keySpace` `global`): it no longer
 * depends on any worker, which is what lets it be recorded.
 *
 * Most chunks come in a worker's dictionary (see KeySpace): each key is then looked up here
 * once per worker, not once per chunk, which at HI-Small scale is 1 M lookups instead of 7 M.
 * Merging runs in paced slices, so a signal is not kept waiting for a whole chunk.
 */
export class NodeMerger {
  readonly #nodes: ByteDict;
  readonly #threads = new Map<number, ThreadKeys>();
  readonly #waiting = new Map<number, ParsedChunk>();
  readonly #merged = new Map<number, Deferred>();
  readonly #session: string;
  readonly #pace: Pacer;
  #next = 0;
  /** Chunks from this index on are never merged: that chunk failed. */
  #stopAt = Infinity;
  #broken: { error: unknown } | null = null;
  /** True from the start of a drain until it finds no offered chunk ready. */
  #active = false;
  #draining: Promise<void> = Promise.resolve();

  /** `expectedNodes` sizes the node dictionary up front, which saves growing it in steps. */
  constructor(session: string, pace: Pacer, expectedNodes = 1 << 16) {
    this.#session = session;
    this.#pace = pace;
    this.#nodes = new ByteDict(expectedNodes);
  }

  /** A chunk from the pool: its worker's new keys are taken in, then it waits its turn. */
  receive(index: number, chunk: ParsedChunk): void {
    const space = chunk.keySpace;
    if (space.kind === 'worker') {
      if (space.session !== this.#session) {
        throw new Error(`chunk ${index} parsed in another load's dictionary (${space.session})`);
      }
      let keys = this.#threads.get(space.worker);
      if (keys === undefined) this.#threads.set(space.worker, (keys = new ThreadKeys()));
      keys.add(space.base, chunk.accountKeys, chunk.accountOffsets);
    }
    this.offer(index, chunk);
  }

  /** A chunk ready to merge in its turn: restored from its record, or from `receive`. */
  offer(index: number, chunk: ParsedChunk): void {
    this.#waiting.set(index, chunk);
    this.#kick();
  }

  /** Resolves once chunk `index` is merged; rejects when it never will be. */
  merged(index: number): Promise<void> {
    if (index < this.#next) return Promise.resolve();
    if (this.#broken !== null) return Promise.reject(this.#broken.error);
    if (index >= this.#stopAt) return Promise.reject(notMerged(index, this.#stopAt));
    let d = this.#merged.get(index);
    if (d === undefined) this.#merged.set(index, (d = deferred()));
    return d.promise;
  }

  /** Chunk `index` failed: it and the chunks after it will not be merged. */
  fail(index: number): void {
    this.#stopAt = Math.min(this.#stopAt, index);
    for (const [i, d] of this.#merged) {
      if (i >= this.#stopAt) {
        d.reject(notMerged(i, this.#stopAt));
        this.#merged.delete(i);
      }
    }
  }

  /** Nodes merged so far. */
  get nodes(): number {
    return this.#nodes.size;
  }

  /** Merge keys of nodes `from ..` merged so far, as bytes with offsets from their first. */
  keysFrom(from: number): { bytes: Uint8Array; offsets: Int32Array } {
    return this.#nodes.exportRange(from, this.#nodes.size);
  }

  /** Every node's merge key, as bytes, in node id order, once all are merged. */
  async finish(chunks: number): Promise<NodeKeys> {
    await this.#draining;
    if (this.#broken !== null) throw this.#broken.error;
    await this.#drain();
    if (this.#next !== chunks) {
      throw new Error(`node merge incomplete: ${this.#next} of ${chunks} chunks`);
    }
    return this.#nodes.exportKeys();
  }

  #kick(): void {
    if (this.#active || this.#broken !== null) return;
    this.#draining = this.#drain().catch((error: unknown) => {
      // A stop (AbortedError) mid-merge: every chunk still waiting fails with it.
      this.#broken = { error };
      for (const d of this.#merged.values()) d.reject(error);
      this.#merged.clear();
    });
  }

  /** Merges offered chunks in file order while the next one is ready. */
  async #drain(): Promise<void> {
    this.#active = true;
    try {
      for (;;) {
        const index = this.#next;
        const next = this.#waiting.get(index);
        if (next === undefined || index >= this.#stopAt || !this.#ready(next)) return;
        this.#waiting.delete(index);
        await this.#merge(index, next);
        this.#next++;
        this.#merged.get(index)?.resolve();
        this.#merged.delete(index);
      }
    } finally {
      // In the same turn as the last look at #waiting, so no offer falls in between.
      this.#active = false;
    }
  }

  /** A worker's chunk needs the keys of every result that worker sent before it. */
  #ready(c: ParsedChunk): boolean {
    const space = c.keySpace;
    if (space.kind !== 'worker') return true;
    const keys = this.#threads.get(space.worker)!;
    return keys.count >= space.base + c.accountOffsets.length - 1;
  }

  async #merge(index: number, c: ParsedChunk): Promise<void> {
    const first = this.#nodes.size;
    const space = c.keySpace;
    if (space.kind === 'global') {
      this.#continueRecord(index, c, space.base);
      return;
    }

    const nodes = this.#nodes;
    const { src, dst } = c;
    // Row order, sender before receiver: node ids follow first appearance in the file.
    if (space.kind === 'chunk') {
      const toNode = this.#chunkKeys(c);
      await inSlices(this.#pace, c.rows, (from, to) => {
        for (let r = from; r < to; r++) {
          src[r] = toNode[src[r]!]!;
          dst[r] = toNode[dst[r]!]!;
        }
      });
    } else {
      const thread = this.#threads.get(space.worker)!;
      await inSlices(this.#pace, c.rows, (from, to) => {
        thread.mapRows(src, dst, from, to, nodes);
      });
    }

    const added = nodes.exportRange(first, nodes.size);
    c.accountKeys = added.bytes;
    c.accountOffsets = added.offsets;
    c.keySpace = { kind: 'global', base: first };
  }

  /**
   * A chunk of its own dictionary (a chunk cut into pieces after running out of memory):
   * every key is looked up. Ids are first appearances within the chunk, so interning them in
   * id order numbers new nodes as the rows would.
   */
  #chunkKeys(c: ParsedChunk): Int32Array {
    const n = c.accountOffsets.length - 1;
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = this.#nodes.intern(c.accountKeys, c.accountOffsets[i]!, c.accountOffsets[i + 1]!);
    }
    return ids;
  }

  /**
   * A recorded chunk carries the nodes it added after the chunks before it. Those chunks are
   * restored or recomputed from the same input, so its keys must be new and numbered from
   * exactly where the merge stands; anything else is a broken record, not a data error.
   */
  #continueRecord(index: number, c: ParsedChunk, base: number): void {
    const n = c.accountOffsets.length - 1;
    let ok = base === this.#nodes.size;
    for (let i = 0; ok && i < n; i++) {
      const id = this.#nodes.intern(c.accountKeys, c.accountOffsets[i]!, c.accountOffsets[i + 1]!);
      ok = id === base + i;
    }
    if (!ok) {
      throw new Error(
        `data_loaded chunk ${index}: its record does not continue the node ids at ${base}`,
      );
    }
  }
}

/**
 * Node keys (`bank,account`, or `bank NUL account`) as bytes: key v is
 * `bytes[offsets[v], offsets[v + 1])`.
 */
export interface NodeKeys {
  bytes: Uint8Array;
  offsets: Int32Array;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A chunk that fails after its merge was abandoned is reported by runChunks, not here.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Why a chunk after a failed one is not merged; runChunks reports the earlier failure. */
function notMerged(index: number, failed: number): Error {
  return new Error(`data_loaded chunk ${index} not merged: chunk ${failed} failed`);
}
