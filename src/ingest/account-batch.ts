import type { ByteDict } from './byte-dict.js';

/** Rows whose accounts are interned together; see `AccountBatch`. */
const BATCH_ROWS = 64;

/**
 * The accounts of consecutive kept rows, interned together once their rows are read. In a
 * dictionary of hundreds of thousands of accounts almost every lookup misses the cache; in a
 * loop of lookups alone the processor has several misses in flight at once, where between the
 * field readers of a row it had one. Ids come out as row-by-row interning gives them: rows in
 * order, sender before receiver.
 */
export class AccountBatch {
  readonly #bounds = new Int32Array(BATCH_ROWS * 4);
  #count = 0;
  #firstRow = 0;
  readonly #hashes = new Int32Array(BATCH_ROWS * 2);
  /** What the slots read ahead held: kept, so that the reads are not optimized away. */
  hint = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly dict: ByteDict,
    private readonly src: Int32Array,
    private readonly dst: Int32Array,
  ) {}

  /** Row `row`'s sender key is `buf[fromStart, fromEnd)`, its receiver's `buf[toStart, toEnd)`. */
  add(row: number, fromStart: number, fromEnd: number, toStart: number, toEnd: number): void {
    if (this.#count === 0) this.#firstRow = row;
    const at = this.#count * 4;
    const b = this.#bounds;
    b[at] = fromStart;
    b[at + 1] = fromEnd;
    b[at + 2] = toStart;
    b[at + 3] = toEnd;
    if (++this.#count === BATCH_ROWS) this.flush();
  }

  /** Interns the pending rows' accounts; call before interning any other row's. */
  flush(): void {
    const { buf, dict, src, dst } = this;
    const b = this.#bounds;
    const first = this.#firstRow;
    const h = this.#hashes;
    const keys = 2 * this.#count;
    for (let k = 0; k < keys; k++) h[k] = dict.hashOf(buf, b[2 * k]!, b[2 * k + 1]!);

    // Every slot first, then the lookups: a loop of loads alone keeps several misses in flight.
    let hint = 0;
    for (let k = 0; k < keys; k++) hint ^= dict.touch(h[k]!);
    this.hint = hint;

    for (let q = 0; q < this.#count; q++) {
      src[first + q] = dict.internHashed(buf, b[4 * q]!, b[4 * q + 1]!, h[2 * q]!);
      dst[first + q] = dict.internHashed(buf, b[4 * q + 2]!, b[4 * q + 3]!, h[2 * q + 1]!);
    }
    this.#count = 0;
  }
}
