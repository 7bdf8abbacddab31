import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

import { InputChangedError, InputError } from '../errors.js';
import { kindOf } from '../file-kind.js';

/** Absent on systems without it (Windows), where a FIFO cannot be named as a path anyway. */
const NONBLOCK = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

/**
 * Opens an input file for reading; refuses anything but a regular file. The open does not
 * block: a FIFO opened the usual way waits for a writer inside the system call, where no
 * signal handler can run, so the command hung and ignored Ctrl-C (fresh-user trial).
 */
export function openInput(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NONBLOCK);
  } catch (error) {
    throw new InputError(`${path}: cannot open (${codeOf(error)})`, error);
  }
  let ok = false;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputError(`${path}: not a regular file (${kindOf(stats)})`);
    ok = true;
    return fd;
  } finally {
    if (!ok) closeSync(fd);
  }
}

/** Reads a whole (small) input file, turning I/O failures into a one-line user error. */
export function readInput(path: string): Buffer {
  const fd = openInput(path);
  try {
    const size = fstatSync(fd).size;
    return readInto(fd, path, Buffer.allocUnsafe(size), 0, size);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw cannotRead(path, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * Bytes `start .. end - 1` of an input, into `buf` (at least that long). The range was planned
 * from the file as it was at the start of the run; a file that now ends before it was cut
 * short meanwhile, and reading on would quietly lose rows, so that is an error.
 */
export function readRange(path: string, start: number, end: number, buf: Buffer): Buffer {
  const fd = openInput(path);
  try {
    return readInto(fd, path, buf, start, end);
  } finally {
    closeSync(fd);
  }
}

function readInto(fd: number, path: string, buf: Buffer, start: number, end: number): Buffer {
  const length = end - start;
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, start + got);
    if (n === 0) throw changedDuringRun(path, `it now ends at byte ${fstatSync(fd).size}`);
    got += n;
  }
  return buf.subarray(0, length);
}

/** An input that changed after the run planned its work from it. */
export function changedDuringRun(path: string, how: string): InputChangedError {
  return new InputChangedError(
    `${path}: changed during the run (${how}); the outputs would match neither version, so ` +
      'the run stops: rerun once nothing changes the file any more',
  );
}

/** A read that failed, as a one-line user error naming the system's code. */
export function cannotRead(path: string, error: unknown): InputError {
  return new InputError(`${path}: cannot read (${codeOf(error)})`, error);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** Text of one field of a split record. */
export function fieldText(src: Uint8Array, start: number, end: number): string {
  return Buffer.from(src.buffer, src.byteOffset + start, end - start).toString('utf8');
}
