type Reusable = Float64Array | Int32Array | BigInt64Array | Buffer;

/**
 * One buffer reused for a sequence of results that are each consumed before the next is made
 * (an output column's record batches, checkpoint payloads). A new multi-MiB array each time
 * is memory the kernel must map and zero (a fifth of the output writers' CPU time, measured
 * with perf), and on a VM also back on first touch.
 */
export class Scratch<T extends Reusable> {
  #buffer: T | null = null;

  constructor(private readonly make: (length: number) => T) {}

  /** `length` elements, overwriting what the previous call returned. */
  take(length: number): T {
    if (this.#buffer === null || this.#buffer.length < length) this.#buffer = this.make(length);
    return this.#buffer.subarray(0, length) as T;
  }
}
