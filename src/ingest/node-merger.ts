import { ByteDict } from './byte-dict.js';
import type { ParsedChunk } from './parse-chunk.js';

/**
 * Gives chunk-local accounts their global node ids, in file order, as chunks arrive. Chunks
 * finish out of order on the pool; each is interned as soon as every chunk before it has
 * been, so this main-thread work overlaps the parsing of later chunks.
 */
export class NodeMerger {
  readonly #dict = new ByteDict(1 << 16);
  readonly #waiting = new Map<number, ParsedChunk>();
  readonly #ids: Int32Array[] = [];

  offer(index: number, chunk: ParsedChunk): void {
    this.#waiting.set(index, chunk);
    for (;;) {
      const next = this.#waiting.get(this.#ids.length);
      if (next === undefined) return;
      this.#waiting.delete(this.#ids.length);
      this.#ids.push(this.#intern(next));
    }
  }

  /** Local-to-global id maps per chunk, and every node's `bank,account` key text. */
  finish(chunks: number): { localToNode: Int32Array[]; keys: string[] } {
    if (this.#ids.length !== chunks) {
      throw new Error(`node merge incomplete: ${this.#ids.length} of ${chunks} chunks`);
    }
    return { localToNode: this.#ids, keys: this.#dict.values() };
  }

  #intern(c: ParsedChunk): Int32Array {
    const n = c.accountOffsets.length - 1;
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = this.#dict.intern(c.accountKeys, c.accountOffsets[i]!, c.accountOffsets[i + 1]!);
    }
    return ids;
  }
}
