/**
 * A DataView of the buffer last asked for, kept while the same buffer is read: a chunk's rows
 * are read from one buffer, and a view per lookup would cost more than the loads it serves.
 */
export class ViewCache {
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  #buf: Uint8Array | null = null;

  of(buf: Uint8Array): DataView<ArrayBufferLike> {
    if (buf !== this.#buf) {
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.#buf = buf;
    }
    return this.#view;
  }
}
