import type { ByteDict } from './byte-dict.js';

/**
 * The coordinator's copy of one worker thread's account dictionary: the keys it reported, in
 * its id order, and the node id each was given once a merged row used it (-1 before).
 */
export class ThreadKeys {
  #bytes = new Uint8Array(1 << 16);
  #offsets = new Int32Array(1 << 12);
  #toNode = new Int32Array(1 << 12).fill(-1);
  #count = 0;
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

  /** Node id of worker id `id`, taking a node for the key the first time it is asked. */
  node(id: number, nodes: ByteDict): number {
    const known = this.#toNode[id]!;
    if (known !== -1) return known;
    const node = nodes.intern(this.#bytes, this.#offsets[id]!, this.#offsets[id + 1]!);
    this.#toNode[id] = node;
    return node;
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
