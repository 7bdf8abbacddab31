import type { ByteDict } from './byte-dict.js';

/** `toNode` of a key queued for a node by `mapRows`. */
const PENDING = -2;

/**
 * The coordinator's copy of one worker thread's account dictionary: the keys it reported, in
 * its id order, and the node id each was given once a merged row used it (-1 before).
 */
export class ThreadKeys {
  #bytes = new Uint8Array(1 << 16);
  #offsets = new Int32Array(1 << 12);
  #toNode = new Int32Array(1 << 12).fill(-1);
  #count = 0;
  /** Scratch for `mapRows`: the ids that first appear in the rows it maps. */
  #fresh = new Int32Array(0);
  /** Scratch for `mapRows`: the fresh keys' byte ranges, and the node ids they get. */
  #bounds = new Int32Array(0);
  #ids = new Int32Array(0);
  /** Reported ranges that arrived before the ranges in front of them, by first id. */
  readonly #early = new Map<number, { bytes: Uint8Array; offsets: Int32Array }>();

  /** Keys known without a gap: ids `0 .. count - 1`. */
  get count(): number {
    return this.#count;
  }

  /** Takes in keys `base ..` as a result reported them (bytes with relative offsets). */
  add(base: number, bytes: Uint8Array, offsets: Int32Array): void {
    if (base > this.#count) {
      this.#early.set(base, { bytes, offsets });
      return;
    }
    if (base < this.#count) throw new Error(`worker keys from ${base} reported twice`);
    this.#append(bytes, offsets);
    for (let next = this.#early.get(this.#count); next !== undefined;) {
      this.#early.delete(this.#count);
      this.#append(next.bytes, next.offsets);
      next = this.#early.get(this.#count);
    }
  }

  /**
   * Rows `from .. to - 1` of `src` and `dst` as node ids instead of this thread's ids, taking
   * a node for each key used the first time, in row order, sender before receiver (what
   * calling `node` row by row gives). New keys are interned together after the rows are read:
   * in a dictionary of 500 K nodes almost every one misses the cache, and `internAll` keeps
   * several misses in flight.
   */
  mapRows(src: Int32Array, dst: Int32Array, from: number, to: number, nodes: ByteDict): void {
    const toNode = this.#toNode;
    if (this.#fresh.length < 2 * (to - from)) this.#fresh = new Int32Array(2 * (to - from));
    const fresh = this.#fresh;
    let n = 0;
    // Known keys are mapped at once; a new one is queued, and its rows hold -1 - id until
    // it has a node.
    for (let r = from; r < to; r++) {
      const s = src[r]!;
      const sNode = toNode[s]!;
      if (sNode === -1) fresh[n++] = s;
      if (sNode < 0) toNode[s] = PENDING;
      src[r] = sNode >= 0 ? sNode : -1 - s;
      const d = dst[r]!;
      const dNode = toNode[d]!;
      if (dNode === -1) fresh[n++] = d;
      if (dNode < 0) toNode[d] = PENDING;
      dst[r] = dNode >= 0 ? dNode : -1 - d;
    }
    if (n === 0) return;

    const offsets = this.#offsets;
    if (this.#ids.length < n) {
      this.#ids = new Int32Array(2 * n);
      this.#bounds = new Int32Array(4 * n);
    }
    const bounds = this.#bounds;
    const ids = this.#ids;
    for (let k = 0; k < n; k++) {
      bounds[2 * k] = offsets[fresh[k]!]!;
      bounds[2 * k + 1] = offsets[fresh[k]! + 1]!;
    }
    nodes.internAll(this.#bytes, bounds, n, ids);
    for (let k = 0; k < n; k++) toNode[fresh[k]!] = ids[k]!;
    for (let r = from; r < to; r++) {
      if (src[r]! < 0) src[r] = toNode[-1 - src[r]!]!;
      if (dst[r]! < 0) dst[r] = toNode[-1 - dst[r]!]!;
    }
  }

  #append(bytes: Uint8Array, offsets: Int32Array): void {
    const n = offsets.length - 1;
    const at = this.#offsets[this.#count]!;
    this.#reserve(this.#count + n + 1, at + bytes.length);
    this.#bytes.set(bytes, at);
    for (let i = 1; i <= n; i++) this.#offsets[this.#count + i] = at + offsets[i]!;
    this.#count += n;
  }

  #reserve(ids: number, bytes: number): void {
    if (bytes > this.#bytes.length) {
      const next = new Uint8Array(Math.max(bytes, 2 * this.#bytes.length));
      next.set(this.#bytes);
      this.#bytes = next;
    }
    if (ids > this.#offsets.length) {
      const size = Math.max(ids, 2 * this.#offsets.length);
      const offsets = new Int32Array(size);
      offsets.set(this.#offsets);
      this.#offsets = offsets;
      const toNode = new Int32Array(size).fill(-1);
      toNode.set(this.#toNode);
      this.#toNode = toNode;
    }
  }
}
