import { ByteDict } from './byte-dict.js';

/**
 * Interns the short codes of a chunk (currencies, payment formats): a handful of values, each
 * met on every row. A direct-mapped cache of recent keys answers almost every lookup with one
 * byte comparison; a miss goes to a ByteDict, which gives the ids (first appearance order), so
 * a file with thousands of distinct codes is slower, never wrong.
 */
export class CodeDict {
  readonly #dict = new ByteDict(16);
  /** Per cache line: the id (-1 when empty) and the key's length, then its bytes. */
  readonly #ids = new Int32Array(CACHE_LINES).fill(-1);
  readonly #lengths = new Int32Array(CACHE_LINES);
  readonly #bytes = new Uint8Array(CACHE_LINES * MAX_CACHED);

  get size(): number {
    return this.#dict.size;
  }

  /** Id of `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len <= 0 || len > MAX_CACHED) return this.#dict.intern(buf, start, end);

    // Length, first, middle and last byte tell AMLworld's currencies and formats apart.
    const first = buf[start] as number;
    const last = buf[end - 1] as number;
    const middle = buf[start + (len >> 1)] as number;
    const line = (len * 37 + first * 5 + middle * 3 + last) & (CACHE_LINES - 1);
    const id = this.#ids[line]!;
    if (id !== -1 && this.#lengths[line] === len && this.#matches(line, buf, start, len)) {
      return id;
    }

    const found = this.#dict.intern(buf, start, end);
    this.#ids[line] = found;
    this.#lengths[line] = len;
    this.#bytes.set(buf.subarray(start, end), line * MAX_CACHED);
    return found;
  }

  /** The interned values, decoded as UTF-8, in id order. */
  values(): string[] {
    return this.#dict.values();
  }

  #matches(line: number, buf: Uint8Array, start: number, len: number): boolean {
    const bytes = this.#bytes;
    const at = line * MAX_CACHED;
    for (let i = 0; i < len; i++) {
      if (bytes[at + i] !== buf[start + i]) return false;
    }
    return true;
  }
}

const CACHE_LINES = 256;
/** Longer codes skip the cache ("Australian Dollar", the longest AMLworld one, is 17). */
const MAX_CACHED = 32;
