import type { ByteDict } from './byte-dict.js';

/** Rows whose accounts are interned together; see `AccountBatch`. */
const BATCH_ROWS = 64;

/**
 * The accounts of consecutive kept rows, interned together once their rows are read: between
 * the field readers of a row, a lookup that misses the cache had the processor to itself;
 * `ByteDict.internAll` keeps several in flight. Ids come out as row-by-row interning gives
 * them: rows in order, sender before receiver.
 */
export class AccountBatch {
  readonly #bounds = new Int32Array(BATCH_ROWS * 4);
  #count = 0;
  #firstRow = 0;
  readonly #ids = new Int32Array(BATCH_ROWS * 2);

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
    const first = this.#firstRow;
    const ids = this.#ids;
    dict.internAll(buf, this.#bounds, 2 * this.#count, ids);
    for (let q = 0; q < this.#count; q++) {
      src[first + q] = ids[2 * q]!;
      dst[first + q] = ids[2 * q + 1]!;
    }
    this.#count = 0;
  }
}
