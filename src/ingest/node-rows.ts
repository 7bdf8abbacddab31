import type { ByteDict } from './byte-dict.js';
import { MatchKey } from './match-key.js';

/** Nodes whose accounts rows are looked up together. */
const BATCH_NODES = 128;

/**
 * The accounts row of each node (-1: none), found as the node merge gives out node ids: the
 * coordinator has time to spare while the pool parses, and none once the last chunk is in.
 */
export class NodeRows {
  readonly #byKey: ByteDict;
  readonly #key = new MatchKey();
  readonly #bounds = new Int32Array(2 * BATCH_NODES);
  #rows = new Int32Array(1 << 12);
  #count = 0;

  /** `byKey`: the accounts rows by match key (`indexAccounts`). */
  constructor(byKey: ByteDict) {
    this.#byKey = byKey;
  }

  /** Nodes looked up so far: ids `0 .. count - 1`. */
  get count(): number {
    return this.#count;
  }

  /**
   * Looks up the nodes from id `count` on, whose merge keys are `bytes[offsets[i] ..
   * offsets[i + 1])` for node `count + i`.
   */
  add(bytes: Uint8Array, offsets: Int32Array): void {
    const n = offsets.length - 1;
    if (this.#count + n > this.#rows.length) {
      const next = new Int32Array(Math.max(this.#count + n, 2 * this.#rows.length));
      next.set(this.#rows.subarray(0, this.#count));
      this.#rows = next;
    }
    // In batches, their match keys side by side: `findAll` keeps several misses in flight.
    const key = this.#key;
    const bounds = this.#bounds;
    for (let first = 0; first < n; first += BATCH_NODES) {
      const count = Math.min(BATCH_NODES, n - first);
      for (let k = 0, at = 0; k < count; k++, at = key.end) {
        key.setNodeAt(at, bytes, offsets[first + k]!, offsets[first + k + 1]!);
        bounds[2 * k] = key.start;
        bounds[2 * k + 1] = key.end;
      }
      const rows = this.#rows.subarray(this.#count + first, this.#count + first + count);
      this.#byKey.findAll(key.bytes, bounds, count, rows);
    }
    this.#count += n;
  }

  /** The accounts row of node `v` (looked up already), or -1. */
  row(v: number): number {
    return this.#rows[v]!;
  }
}
