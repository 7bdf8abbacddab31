/**
 * Interns byte ranges without making a string per row: the hot parse loop hashes the bytes,
 * and only a value seen for the first time in a chunk is decoded. Ids are dense, in order of
 * first appearance, which is what the node-id and dictionary merges rely on.
 */
export class ByteDict {
  #table: Int32Array;
  #mask: number;
  #hashes: Int32Array;
  #offsets: Int32Array;
  #lengths: Int32Array;
  #pool: Buffer;
  #poolUsed = 0;
  #size = 0;

  constructor(expected = 64) {
    const slots = nextPow2(Math.max(16, expected * 2));
    this.#table = new Int32Array(slots).fill(-1);
    this.#mask = slots - 1;
    this.#hashes = new Int32Array(Math.max(8, expected));
    this.#offsets = new Int32Array(this.#hashes.length);
    this.#lengths = new Int32Array(this.#hashes.length);
    this.#pool = Buffer.allocUnsafe(Math.max(256, expected * 16));
  }

  get size(): number {
    return this.#size;
  }

  /** Id of `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const hash = fnv1a(buf, start, end);
    let slot = hash & this.#mask;

    for (;;) {
      const id = this.#table[slot] as number;
      if (id === -1) return this.#add(buf, start, end, hash, slot);
      if (this.#hashes[id] === hash && this.#equals(id, buf, start, end)) return id;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** The interned bytes, concatenated in id order, with `offsets[id] .. offsets[id + 1]`. */
  exportKeys(): { bytes: Uint8Array; offsets: Int32Array } {
    const offsets = new Int32Array(this.#size + 1);
    const bytes = new Uint8Array(this.#poolUsed);
    let at = 0;
    for (let id = 0; id < this.#size; id++) {
      const from = this.#offsets[id] as number;
      const len = this.#lengths[id] as number;
      bytes.set(this.#pool.subarray(from, from + len), at);
      offsets[id] = at;
      at += len;
    }
    offsets[this.#size] = at;
    return { bytes, offsets };
  }

  /** The interned values, decoded as UTF-8, in id order. */
  values(): string[] {
    const out = new Array<string>(this.#size);
    for (let id = 0; id < this.#size; id++) {
      const at = this.#offsets[id] as number;
      out[id] = this.#pool.toString('utf8', at, at + (this.#lengths[id] as number));
    }
    return out;
  }

  #equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (this.#lengths[id] !== len) return false;
    const at = this.#offsets[id] as number;
    const pool = this.#pool;
    for (let i = 0; i < len; i++) {
      if (pool[at + i] !== buf[start + i]) return false;
    }
    return true;
  }

  #add(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const id = this.#size++;
    if (id === this.#hashes.length) this.#growEntries();

    const len = end - start;
    if (this.#poolUsed + len > this.#pool.length) this.#growPool(len);
    // A byte loop: keys are short, and a subarray per new key costs more than the copy.
    const pool = this.#pool;
    const at = this.#poolUsed;
    for (let i = 0; i < len; i++) pool[at + i] = buf[start + i] as number;
    this.#offsets[id] = this.#poolUsed;
    this.#lengths[id] = len;
    this.#hashes[id] = hash;
    this.#poolUsed += len;
    this.#table[slot] = id;

    // Keep the load factor under one half so probe chains stay short.
    if (this.#size * 2 > this.#table.length) this.#rehash();
    return id;
  }

  #growEntries(): void {
    const n = this.#hashes.length * 2;
    this.#hashes = grow(this.#hashes, n);
    this.#offsets = grow(this.#offsets, n);
    this.#lengths = grow(this.#lengths, n);
  }

  #growPool(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.#pool.length * 2, this.#poolUsed + need));
    this.#pool.copy(next, 0, 0, this.#poolUsed);
    this.#pool = next;
  }

  #rehash(): void {
    const slots = this.#table.length * 2;
    this.#table = new Int32Array(slots).fill(-1);
    this.#mask = slots - 1;
    for (let id = 0; id < this.#size; id++) {
      let slot = (this.#hashes[id] as number) & this.#mask;
      while (this.#table[slot] !== -1) slot = (slot + 1) & this.#mask;
      this.#table[slot] = id;
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
