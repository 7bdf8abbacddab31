import { ViewCache } from './view-cache.js';

/**
 * Interns byte ranges without making a string per row: the hot parse loop hashes the bytes,
 * and only a value seen for the first time in a chunk is decoded. Ids are dense, in order of
 * first appearance, which is what the node-id and dictionary merges rely on.
 */
export class ByteDict {
  // Open addressing, eight int32 per slot: [hash, id, length, five words of key bytes]. Keys
  // of up to 20 bytes (every AMLworld `bank,account` key) are compared inside the slot, so a
  // lookup touches one cache line; the pool holds the bytes of every key for export and of
  // longer keys for comparing. With the hash, the id and the pool in three arrays, a lookup
  // into a table of hundreds of thousands of accounts took three cache misses.
  #slots: Int32Array;
  #mask: number;
  #entries: Int32Array;
  #pool: Buffer;
  #poolUsed = 0;
  #size = 0;
  readonly #views = new ViewCache();
  /** Scratch: the words of the short key looked up last. */
  readonly #words = new Int32Array(5);
  /**
   * Scratch of `internAll`: its keys' hashes, then what their slots held, stored so that the
   * reads are not optimized away.
   */
  readonly #hashes = new Int32Array(BATCH_KEYS + 1);
  /** Made by `fromSlots`: its pool is another thread's keys, so nothing may be added. */
  #readOnly = false;

  /** Slots in a SharedArrayBuffer (`shared`): posted to another thread without a copy. */
  readonly #shared: boolean;

  constructor(expected = 64, options: { shared?: boolean } = {}) {
    this.#shared = options.shared === true;
    const slots = nextPow2(Math.max(16, Math.ceil((expected * 4) / 3)));
    this.#slots = this.#newSlots(slots * SLOT);
    this.#mask = slots - 1;
    this.#entries = new Int32Array(Math.max(8, expected) * 2);
    this.#pool = Buffer.allocUnsafe(Math.max(256, expected * 16));
  }

  get size(): number {
    return this.#size;
  }

  /**
   * A dictionary for lookups (`find`) made from another one's `slots` and its keys as
   * `exportKeys` gives them, without hashing a key: how a pool thread's dictionary reaches
   * the coordinator. Interning into it is not allowed.
   */
  static fromSlots(slots: Int32Array, keys: Uint8Array, offsets: Int32Array): ByteDict {
    const dict = new ByteDict(0);
    const size = offsets.length - 1;
    const entries = new Int32Array(Math.max(8, 2 * size));
    for (let id = 0; id < size; id++) {
      entries[2 * id] = offsets[id]!;
      entries[2 * id + 1] = offsets[id + 1]! - offsets[id]!;
    }
    dict.#slots = slots;
    dict.#mask = slots.length / SLOT - 1;
    dict.#entries = entries;
    dict.#pool = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
    dict.#poolUsed = keys.byteLength;
    dict.#size = size;
    dict.#readOnly = true;
    return dict;
  }

  /** The hash table, for `fromSlots` on another thread (shared when made `shared`). */
  get slots(): Int32Array {
    return this.#slots;
  }

  /** Id of `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    return this.#lookup(buf, start, end, true);
  }

  /**
   * Interns keys `k < count`, `buf[bounds[2k], bounds[2k + 1])`, into `ids[k]`, as `intern`
   * one by one would. In a table of hundreds of thousands of keys almost every lookup misses
   * the cache, and between the instructions of a lookup the processor has one miss in flight:
   * the keys are hashed and their slots read first, in a loop of loads alone that keeps
   * several misses in flight, then looked up in the cache.
   */
  internAll(buf: Uint8Array, bounds: Int32Array, count: number, ids: Int32Array): void {
    this.#lookupAll(buf, bounds, count, ids, true);
  }

  /** `find` of keys `k < count` as `internAll` takes them, into `ids[k]`. */
  findAll(buf: Uint8Array, bounds: Int32Array, count: number, ids: Int32Array): void {
    this.#lookupAll(buf, bounds, count, ids, false);
  }

  #lookupAll(buf: Uint8Array, bounds: Int32Array, count: number, ids: Int32Array, add: boolean) {
    const hashes = this.#hashes;
    for (let first = 0; first < count; first += BATCH_KEYS) {
      const n = Math.min(BATCH_KEYS, count - first);
      for (let k = 0; k < n; k++) {
        const at = 2 * (first + k);
        hashes[k] = this.#hashOf(buf, bounds[at]!, bounds[at + 1]!);
      }

      let hint = 0;
      for (let k = 0; k < n; k++) hint ^= this.#touch(hashes[k]!);
      hashes[BATCH_KEYS] = hint;

      for (let k = 0; k < n; k++) {
        const at = 2 * (first + k);
        ids[first + k] = this.#lookup(buf, bounds[at]!, bounds[at + 1]!, add, hashes[k]!);
      }
    }
  }

  /** Id of `buf[start, end)`, or -1 when it is not in the dictionary. */
  find(buf: Uint8Array, start: number, end: number): number {
    return this.#lookup(buf, start, end, false);
  }

  /** The hash a lookup of `buf[start, end)` starts from. */
  #hashOf(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > INLINE_BYTES) return fnv1a(buf, start, end);

    const w = this.#loadWords(buf, start, end);
    return mixWords(len, w[0]!, w[1]!, w[2]!, w[3]!, w[4]!);
  }

  /**
   * Reads the slot a lookup of `hash` starts at, for `internAll`. A slot is 32 bytes, and
   * where a cache line starts in it cannot be known from here: its first and last word are
   * read (reading only the first gained nothing).
   */
  #touch(hash: number): number {
    const at = (hash & this.#mask) * SLOT;
    return (this.#slots[at] as number) ^ (this.#slots[at + SLOT - 1] as number);
  }

  /** The lookup of `buf[start, end)`, hashed here unless its `#hashOf` is `known`. */
  #lookup(buf: Uint8Array, start: number, end: number, add: boolean, known?: number): number {
    const len = end - start;
    if (len > INLINE_BYTES) {
      return this.#lookupLong(buf, start, end, known ?? fnv1a(buf, start, end), add);
    }

    // The words are read once for the hash and the comparisons (`#hashOf` reads them alike).
    const w = this.#loadWords(buf, start, end);
    const w0 = w[0]!;
    const w1 = w[1]!;
    const w2 = w[2]!;
    const w3 = w[3]!;
    const w4 = w[4]!;
    const hash = known ?? mixWords(len, w0, w1, w2, w3, w4);
    const s = this.#slots;
    let slot = hash & this.#mask;

    for (;;) {
      const at = slot * SLOT;
      const id = s[at + 1] as number;
      if (id === -1) return add ? this.#add(buf, start, end, hash, slot) : -1;
      if (
        s[at] === hash &&
        s[at + 2] === len &&
        s[at + 3] === w0 &&
        s[at + 4] === w1 &&
        s[at + 5] === w2 &&
        s[at + 6] === w3 &&
        s[at + 7] === w4
      ) {
        return id;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /** The five words of a key of up to 20 bytes: its bytes, little-endian, zero past its end. */
  #loadWords(buf: Uint8Array, start: number, end: number): Int32Array {
    const w = this.#words;
    if (start + INLINE_BYTES <= buf.length) {
      // Five unaligned loads, each masked to the key's bytes: fewer bounds checks than twenty
      // byte loads. The bytes past the key belong to the same buffer, so they can be read.
      const v = this.#views.of(buf);
      const m = (end - start) * 5;
      w[0] = v.getInt32(start, true) & WORD_MASKS[m]!;
      w[1] = v.getInt32(start + 4, true) & WORD_MASKS[m + 1]!;
      w[2] = v.getInt32(start + 8, true) & WORD_MASKS[m + 2]!;
      w[3] = v.getInt32(start + 12, true) & WORD_MASKS[m + 3]!;
      w[4] = v.getInt32(start + 16, true) & WORD_MASKS[m + 4]!;
    } else {
      for (let k = 0; k < 5; k++) w[k] = word(buf, start + 4 * k, end);
    }
    return w;
  }

  /** The interned bytes, concatenated in id order, with `offsets[id] .. offsets[id + 1]`. */
  exportKeys(): { bytes: Uint8Array; offsets: Int32Array } {
    return this.exportRange(0, this.#size);
  }

  /**
   * Keys `from .. to - 1` as bytes with offsets relative to their first byte: the keys a
   * chunk added to a dictionary that outlives it.
   */
  exportRange(from: number, to: number): { bytes: Uint8Array; offsets: Int32Array } {
    // Entries are added in id order and the pool only grows, so the keys of a range of ids
    // are one stretch of the pool; offsets are the entries' starts.
    const entries = this.#entries;
    const first = from < this.#size ? (entries[2 * from] as number) : this.#poolUsed;
    const end = to < this.#size ? (entries[2 * to] as number) : this.#poolUsed;
    const offsets = new Int32Array(to - from + 1);
    for (let id = from; id < to; id++) offsets[id - from] = (entries[2 * id] as number) - first;
    offsets[to - from] = end - first;
    return { bytes: Uint8Array.prototype.slice.call(this.#pool, first, end), offsets };
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

  /** Keys over 20 bytes: hashed byte by byte and compared against the pool. */
  #lookupLong(buf: Uint8Array, start: number, end: number, hash: number, add: boolean) {
    const len = end - start;
    const s = this.#slots;
    let slot = hash & this.#mask;

    for (;;) {
      const at = slot * SLOT;
      const id = s[at + 1] as number;
      if (id === -1) return add ? this.#add(buf, start, end, hash, slot) : -1;
      if (s[at] === hash && s[at + 2] === len && this.#equals(id, buf, start, end)) return id;
      slot = (slot + 1) & this.#mask;
    }
  }

  #equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    const at = this.#entries[2 * id] as number;
    const pool = this.#pool;
    for (let i = 0; i < len; i++) {
      if (pool[at + i] !== buf[start + i]) return false;
    }
    return true;
  }

  #add(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    if (this.#readOnly) throw new Error('a dictionary made by fromSlots takes no new keys');
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
    this.#fill(slot, hash, id, len, at);

    // Keep the load factor under three quarters: probe chains stay short (a hit reads two
    // slots on average, 64 bytes), and 3 M accounts (HI-Large) take 128 MB of slots, not 256.
    if (this.#size * 4 > (this.#mask + 1) * 3) this.#rehash();
    return id;
  }

  /** Writes a slot; the inline words are the key's own for short keys and zero otherwise. */
  #fill(slot: number, hash: number, id: number, len: number, poolAt: number): void {
    const s = this.#slots;
    const at = slot * SLOT;
    const pool = this.#pool;
    const end = poolAt + len;
    const short = len <= INLINE_BYTES;
    s[at] = hash;
    s[at + 1] = id;
    s[at + 2] = len;
    for (let k = 0; k < 5; k++) s[at + 3 + k] = short ? word(pool, poolAt + 4 * k, end) : 0;
  }

  #newSlots(length: number): Int32Array {
    const slots = this.#shared
      ? new Int32Array(new SharedArrayBuffer(length * 4))
      : new Int32Array(length);
    return slots.fill(-1);
  }

  #growPool(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.#pool.length * 2, this.#poolUsed + need));
    this.#pool.copy(next, 0, 0, this.#poolUsed);
    this.#pool = next;
  }

  #rehash(): void {
    const old = this.#slots;
    const count = 2 * (this.#mask + 1);
    this.#slots = this.#newSlots(count * SLOT);
    this.#mask = count - 1;
    const s = this.#slots;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from + 1] === -1) continue;
      let slot = (old[from] as number) & this.#mask;
      while (s[slot * SLOT + 1] !== -1) slot = (slot + 1) & this.#mask;
      s.set(old.subarray(from, from + SLOT), slot * SLOT);
    }
  }
}

/** Keys `internAll` reads the slots of before looking them up (more gained nothing here). */
const BATCH_KEYS = 128;

/** Int32s per slot, and the key bytes a slot holds. */
const SLOT = 8;
const INLINE_BYTES = 20;

/**
 * For a key of `len` bytes, the masks of its five words (index `len * 5 + k`): all ones for a
 * word inside the key, the low bytes for its last partial word, zero past its end.
 */
const WORD_MASKS = Int32Array.from({ length: (INLINE_BYTES + 1) * 5 }, (_, i) => {
  const bytes = Math.floor(i / 5) - 4 * (i % 5);
  return bytes >= 4 ? -1 : bytes <= 0 ? 0 : (1 << (8 * bytes)) - 1;
});

/** Bytes `p .. p + 3` of a key ending at `end`, little-endian, zero past the end. */
function word(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return 0;
  if (p + 4 <= end) {
    return (
      (buf[p] as number) |
      ((buf[p + 1] as number) << 8) |
      ((buf[p + 2] as number) << 16) |
      ((buf[p + 3] as number) << 24)
    );
  }
  let w = 0;
  for (let k = 0; p + k < end; k++) w |= (buf[p + k] as number) << (8 * k);
  return w;
}

/**
 * A 32-bit hash of a short key's length and words: one multiply per word, then a finalizer
 * that spreads the high bits into the low ones the slot index takes. Words past the key are
 * zero and skipped; four murmur rounds per key cost a third of the parse.
 */
function mixWords(len: number, w0: number, w1: number, w2: number, w3: number, w4: number) {
  let h = Math.imul(len ^ w0, 0x9e3779b1);
  if (len > 4) h = Math.imul(h ^ w1, 0x85ebca6b);
  if (len > 8) h = Math.imul(h ^ w2, 0xc2b2ae35);
  if (len > 12) h = Math.imul(h ^ w3, 0x27d4eb2f);
  if (len > 16) h = Math.imul(h ^ w4, 0x165667b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
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
