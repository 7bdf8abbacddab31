import assert from 'node:assert/strict';
import { endianness } from 'node:os';

import { AtomicFile, type KeptFiles } from './atomic-file.js';

/**
 * NumPy `.npy` files, format version 1.0 (numpy.lib.format): the magic `\x93NUMPY`, the
 * version bytes 1 and 0, the header length as a little-endian uint16, then the header, a
 * Python dict literal padded with spaces and ended by `\n` so that magic + version + length +
 * header is a multiple of 64 bytes. The data follows in C order.
 */
export type NpyDescr = '<f8' | '<i8' | '|i1' | '|b1';

export const NPY_ITEM_BYTES: Record<NpyDescr, number> = { '<f8': 8, '<i8': 8, '|i1': 1, '|b1': 1 };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const PREAMBLE = MAGIC.length + 2 + 2;
const ALIGN = 64;
const MAX_HEADER = 0xffff;

export function npyHeader(descr: NpyDescr, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const pad = (ALIGN - ((PREAMBLE + dict.length + 1) % ALIGN)) % ALIGN;
  const header = `${dict}${' '.repeat(pad)}\n`;
  if (header.length > MAX_HEADER) throw new RangeError(`npy header too long: ${header.length}`);

  const out = Buffer.alloc(PREAMBLE + header.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, PREAMBLE, 'latin1');
  return out;
}

/**
 * One `.npy` file being filled. The shape is fixed up front, so rows can be placed in any
 * order with `put`; `commit()` checks that exactly the promised bytes were written.
 */
export class NpyFile {
  readonly #file: AtomicFile;
  readonly #dataStart: number;
  readonly #dataBytes: number;
  #written = 0;

  constructor(path: string, descr: NpyDescr, shape: readonly number[], keep?: KeptFiles) {
    // The typed arrays handed to `put` are in the machine's byte order; the header says '<'.
    if (endianness() !== 'LE') throw new RangeError('npy export needs a little-endian machine');
    const header = npyHeader(descr, shape);
    this.#file = new AtomicFile(path, keep);
    this.#file.write(header);
    this.#dataStart = header.length;
    this.#dataBytes = shape.reduce((a, b) => a * b, 1) * NPY_ITEM_BYTES[descr];
  }

  get path(): string {
    return this.#file.path;
  }

  get file(): AtomicFile {
    return this.#file;
  }

  /** Writes `values` at byte `offset` of the data section. */
  put(offset: number, values: ArrayBufferView): void {
    if (offset + values.byteLength > this.#dataBytes) {
      throw new RangeError(`${this.path}: write past the end of the array`);
    }
    this.#file.writeAt(this.#dataStart + offset, values);
    this.#written += values.byteLength;
  }

  /** Asserts that every data byte was written once; the caller then commits the file. */
  checkFull(): void {
    assert.equal(this.#written, this.#dataBytes, `${this.path}: data bytes written`);
  }
}
