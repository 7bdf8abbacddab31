import { readFileSync } from 'node:fs';

import { InputError } from '../errors.js';

/** Reads a whole (small) input file, turning I/O failures into a one-line user error. */
export function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${path}: cannot read (${code})`, error);
  }
}

/** Text of one field of a split record. */
export function fieldText(src: Uint8Array, start: number, end: number): string {
  return Buffer.from(src.buffer, src.byteOffset + start, end - start).toString('utf8');
}
