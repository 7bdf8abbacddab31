import { inSlices, type Pacer } from '../pipeline/pacer.js';
import { ByteDict } from './byte-dict.js';
import type { ParsedChunk } from './parse-chunk.js';

/**
 * Gives chunk-local accounts their global node ids, in file order, as chunks arrive. Chunks
 * finish out of order on the pool; each is interned as soon as every chunk before it has
 * been, so this main-thread work overlaps the parsing of later chunks. Interning runs in
 * paced slices off `offer`, so a signal is not kept waiting for a whole chunk's accounts.
 */
export class NodeMerger {
  readonly #dict = new ByteDict(1 << 16);
  readonly #waiting = new Map<number, ParsedChunk>();
  readonly #ids: Int32Array[] = [];
  readonly #pace: Pacer;
  /** True from the start of a drain until it finds no offered chunk next in line. */
  #active = false;
  #draining: Promise<void> = Promise.resolve();

  constructor(pace: Pacer) {
    this.#pace = pace;
  }

  offer(index: number, chunk: ParsedChunk): void {
    this.#waiting.set(index, chunk);
    if (this.#active) return;
    this.#draining = this.#drain();
    // A stop (AbortedError) surfaces in finish(); a run that never gets there drops it.
    this.#draining.catch(() => undefined);
  }

  /** Local-to-global id maps per chunk, and every node's `bank,account` key text. */
  async finish(chunks: number): Promise<{ localToNode: Int32Array[]; keys: string[] }> {
    await this.#draining;
    await this.#drain();
    if (this.#ids.length !== chunks) {
      throw new Error(`node merge incomplete: ${this.#ids.length} of ${chunks} chunks`);
    }
    return { localToNode: this.#ids, keys: this.#dict.values() };
  }

  /** Interns offered chunks in file order while the next one is there. */
  async #drain(): Promise<void> {
    this.#active = true;
    try {
      for (;;) {
        const next = this.#waiting.get(this.#ids.length);
        if (next === undefined) return;
        this.#waiting.delete(this.#ids.length);
        this.#ids.push(await this.#intern(next));
      }
    } finally {
      // In the same turn as the last look at #waiting, so no offer falls in between.
      this.#active = false;
    }
  }

  async #intern(c: ParsedChunk): Promise<Int32Array> {
    const n = c.accountOffsets.length - 1;
    const ids = new Int32Array(n);
    const offsets = c.accountOffsets;
    await inSlices(this.#pace, n, (from, to) => {
      for (let i = from; i < to; i++) {
        ids[i] = this.#dict.intern(c.accountKeys, offsets[i]!, offsets[i + 1]!);
      }
    });
    return ids;
  }
}
