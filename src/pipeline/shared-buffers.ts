/**
 * Shared buffers that a step's chunks take and give back. A chunk's result arrays are
 * garbage once its record is written, but the coordinator's heap is small beside them, so V8
 * collects them late: at HI-Large scale the port lists of edge_features (tens of MB a chunk)
 * piled up by the gigabyte. Reusing them keeps one set per chunk in flight.
 */
export class SharedBuffers {
  readonly #free: SharedArrayBuffer[] = [];

  /** A buffer of at least `bytes` bytes: the smallest free one that fits, else a new one. */
  take(bytes: number): SharedArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.#free[best]!.byteLength)) best = i;
    }
    if (best < 0) return new SharedArrayBuffer(Math.max(8, bytes));
    return this.#free.splice(best, 1)[0]!;
  }

  /** Gives `buffer` back; the caller no longer reads or writes it. */
  give(buffer: SharedArrayBuffer): void {
    this.#free.push(buffer);
  }
}
