/**
 * Interns byte ranges without making a string per row: the hot parse loop hashes the bytes,
 * and only a value seen for the first time in a chunk is decoded. Ids are dense, in order of
 * first appearance, which is what the node-id and dictionary merges rely on.
 */
export class ByteDict {
  // Open addressing with the hash beside the id in one array ([hash, id] per slot), and each
  // entry's pool offset beside its length: a probe touches one cache line, not three. At
  // millions of lookups per chunk and in the node merge, those misses were most of the cost.
  #slots: Int32Array;
  #mask: number;
  #entries: Int32Array;
  #pool: Buffer;
  #poolUsed = 0;
  #size = 0;

  constructor(expected = 64) {
    const slots = nextPow2(Math.max(16, expected * 2));
    this.#slots = new Int32Array(slots * 2).fill(-1);
    this.#mask = slots - 1;
    this.#entries = new Int32Array(Math.max(8, expected) * 2);
    this.#pool = Buffer.allocUnsafe(Math.max(256, expected * 16));
  }

  get size(): number {
    return this.#size;
  }

  /** Id of `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const hash = fnv1a(buf, start, end);
    const slots = this.#slots;
    let slot = hash & this.#mask;

    for (;;) {
      const id = slots[2 * slot + 1] as number;
      if (id === -1) return this.#add(buf, start, end, hash, slot);
      if (slots[2 * slot] === hash && this.#equals(id, buf, start, end)) return id;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** The interned bytes, concatenated in id order, with `offsets[id] .. offsets[id + 1]`. */
  exportKeys(): { bytes: Uint8Array; offsets: Int32Array } {
    // Entries are added in id order and the pool only grows, so the pool is already the
    // concatenation; offsets are the entries' starts.
    const offsets = new Int32Array(this.#size + 1);
    const entries = this.#entries;
    for (let id = 0; id < this.#size; id++) offsets[id] = entries[2 * id] as number;
    offsets[this.#size] = this.#poolUsed;
    return { bytes: Uint8Array.prototype.slice.call(this.#pool, 0, this.#poolUsed), offsets };
  }

  /** The interned values, decoded as UTF-8, in id order. */
  values(): string[] {
    const out = new Array<string>(this.#size);
    const entries = this.#entries;
    for (let id = 0; id < this.#size; id++) {
      const at = entries[2 * id] as number;
      out[id] = this.#pool.toString('utf8', at, at + (entries[2 * id + 1] as number));
    }
    return out;
  }

  #equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (this.#entries[2 * id + 1] !== len) return false;
    const at = this.#entries[2 * id] as number;
    const pool = this.#pool;
    for (let i = 0; i < len; i++) {
      if (pool[at + i] !== buf[start + i]) return false;
    }
    return true;
  }

  #add(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const id = this.#size++;
    if (2 * id === this.#entries.length) this.#entries = grow(this.#entries, 4 * id);

    const len = end - start;
    if (this.#poolUsed + len > this.#pool.length) this.#growPool(len);
    // A byte loop: keys are short, and a subarray per new key costs more than the copy.
    const pool = this.#pool;
    const at = this.#poolUsed;
    for (let i = 0; i < len; i++) pool[at + i] = buf[start + i] as number;
    this.#entries[2 * id] = at;
    this.#entries[2 * id + 1] = len;
    this.#poolUsed += len;
    this.#slots[2 * slot] = hash;
    this.#slots[2 * slot + 1] = id;

    // Keep the load factor under one half so probe chains stay short.
    if (this.#size * 4 > this.#slots.length) this.#rehash();
    return id;
  }

  #growPool(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.#pool.length * 2, this.#poolUsed + need));
    this.#pool.copy(next, 0, 0, this.#poolUsed);
    this.#pool = next;
  }

  #rehash(): void {
    const old = this.#slots;
    const count = old.length; // twice the old slot count
    this.#slots = new Int32Array(count * 2).fill(-1);
    this.#mask = count - 1;
    for (let s = 0; s < old.length; s += 2) {
      const id = old[s + 1] as number;
      if (id === -1) continue;
      const hash = old[s] as number;
      let slot = hash & this.#mask;
      while (this.#slots[2 * slot + 1] !== -1) slot = (slot + 1) & this.#mask;
      this.#slots[2 * slot] = hash;
      this.#slots[2 * slot + 1] = id;
    }
  }
}

function fnv1a(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= buf[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function grow(a: Int32Array, n: number): Int32Array {
  const next = new Int32Array(n);
  next.set(a);
  return next;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
