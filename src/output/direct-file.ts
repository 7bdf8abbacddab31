import { closeSync, constants, fsyncSync, ftruncateSync, write, writeSync } from 'node:fs';

import type { FolderIdentity } from '../checkpoint/folder-identity.js';
import { openNewFile } from '../temp-files.js';

/** Direct I/O needs buffer addresses, lengths and file offsets aligned to the device's block. */
const ALIGN = 4096;

/** Bytes gathered before each write: large writes are what direct I/O is fast at. */
export const STAGING_BYTES = 8 << 20;

export interface SequentialFileOptions {
  /** Staging buffer size, a multiple of 4096 (tests use small ones to cross many flushes). */
  staging?: number;
  /** False forces page-cache writes; by default direct I/O is used where the system has it. */
  direct?: boolean;
  /** The folder the finished file must still be in when it is renamed into place. */
  folder?: FolderIdentity;
}

/**
 * Staging blocks: one being filled while the others are on their way to the disk. Measured on
 * 1.4 GB hashed as it is written: 1.9 s with each block written before the next is filled,
 * 1.1 s with three, for the same CPU time (a direct write is time spent waiting on the disk).
 */
const BLOCKS = 3;

/**
 * A file written once, front to back, from many small pieces (an Arrow writer's buffers),
 * then made durable. Where it can, it bypasses the page cache (O_DIRECT): an output of
 * gigabytes is not read back by this process, and copying it into freshly allocated
 * page-cache pages costs more than the disk write itself on virtual machines whose memory
 * is backed on first touch (measured: 0.4 GB/s buffered and fsynced, 1.5 GB/s direct).
 * Where direct I/O is refused (no O_DIRECT on this platform, a file system without it, or no
 * buffer alignment it accepts) the same bytes go through the page cache.
 *
 * A full staging block is written in the background (libuv's thread pool) while the next one
 * fills, so the caller's work overlaps the disk's; `write` waits only when every block is
 * still being written. Every write is positioned, so their order of completion does not matter.
 */
export class SequentialFile {
  readonly #fd: number;
  readonly #direct: boolean;
  readonly #memory: Buffer;
  readonly #size: number;
  /** Where the aligned staging blocks start in `#memory`. */
  readonly #base: number;
  /** Per block: its write in progress, resolving to its error or null; null when idle. */
  readonly #writing: (Promise<unknown> | null)[] = new Array<null>(BLOCKS).fill(null);
  #block = 0;
  #fill = 0;
  /** File offset of the block being filled. */
  #at = 0;
  #closed = false;

  constructor(path: string, options: SequentialFileOptions = {}) {
    const size = options.staging ?? STAGING_BYTES;
    if (size <= 0 || size % ALIGN !== 0) throw new Error(`staging ${size} is not a 4096 multiple`);
    this.#size = size;
    this.#memory = Buffer.allocUnsafeSlow(BLOCKS * size + ALIGN);

    const direct = options.direct !== false ? openDirect(path) : null;
    const base = direct === null ? null : probe(direct, this.#memory);
    this.#direct = base !== null;
    this.#base = base ?? 0;
    this.#fd = base !== null ? direct! : openNewFile(path);
  }

  /** True when the bytes bypass the page cache. */
  get direct(): boolean {
    return this.#direct;
  }

  /** Copies `piece` in; resolves once it is staged (not yet written). */
  async write(piece: Uint8Array): Promise<void> {
    let from = 0;
    while (from < piece.byteLength) {
      if (this.#fill === 0) await this.#idle(this.#block);
      const n = Math.min(this.#size - this.#fill, piece.byteLength - from);
      this.#memory.set(piece.subarray(from, from + n), this.#start(this.#block) + this.#fill);
      this.#fill += n;
      from += n;
      if (this.#fill === this.#size) this.#send(this.#size);
    }
  }

  /**
   * Writes what is staged, waits for every write, and makes the file durable. A direct write
   * must be whole blocks, so the last one is padded and the file cut back to its length
   * before the fsync.
   */
  async finish(): Promise<void> {
    const length = this.#at + this.#fill;
    if (this.#direct) {
      const padded = Math.ceil(this.#fill / ALIGN) * ALIGN;
      const start = this.#start(this.#block);
      this.#memory.fill(0, start + this.#fill, start + padded);
      if (padded > 0) this.#send(padded);
    } else if (this.#fill > 0) {
      this.#send(this.#fill);
    }
    for (let block = 0; block < BLOCKS; block++) await this.#idle(block);
    if (this.#direct) ftruncateSync(this.#fd, length);
    fsyncSync(this.#fd);
  }

  /**
   * Closes the file once no write is in progress (a write into a closed descriptor could land
   * in a file opened after it under the same number). Errors of those writes are dropped: the
   * caller closes after `finish` succeeded, or after the failure it is reporting.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#writing);
    closeSync(this.#fd);
  }

  #start(block: number): number {
    return this.#base + block * this.#size;
  }

  /** Waits for `block`'s write, throwing its error. */
  async #idle(block: number): Promise<void> {
    const writing = this.#writing[block];
    if (writing === null || writing === undefined) return;
    const error = await writing;
    this.#writing[block] = null;
    if (error !== null) throw error;
  }

  /** Starts writing the first `bytes` of the block being filled, and moves to the next. */
  #send(bytes: number): void {
    const block = this.#block;
    this.#writing[block] = writeAll(this.#fd, this.#memory, this.#start(block), bytes, this.#at)
      .then(() => null)
      .catch((error: unknown) => error);
    this.#at += this.#fill;
    this.#fill = 0;
    this.#block = (block + 1) % BLOCKS;
  }
}

/** Writes `length` bytes of `buffer` from `offset` at file `position`, however many calls. */
function writeAll(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (done: number): void => {
      if (done === length) return resolve();
      write(fd, buffer, offset + done, length - done, position + done, (error, n) => {
        if (error !== null) reject(error);
        else from(done + n);
      });
    };
    from(0);
  });
}

/** The file opened for direct writes, or null where the system or file system refuses. */
function openDirect(path: string): number | null {
  const flag = (constants as { O_DIRECT?: number }).O_DIRECT;
  if (flag === undefined) return null;
  try {
    return openNewFile(path, flag);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EINVAL') return null;
    throw error;
  }
}

/** The aligned offset, or null with `fd` closed (direct writes will not work on it). */
function probe(fd: number, buffer: Buffer): number | null {
  let base: number | null = null;
  try {
    base = alignedOffset(fd, buffer);
    return base;
  } finally {
    if (base === null) closeSync(fd);
  }
}

/**
 * JavaScript cannot see a buffer's address, so the aligned start inside it is found by trying:
 * a direct write from a misaligned address fails with EINVAL before anything is written.
 * Allocations are 16-byte aligned, so at most 256 tries. The probe block is cut off again.
 */
function alignedOffset(fd: number, buffer: Buffer): number | null {
  buffer.fill(0, 0, 2 * ALIGN);
  for (let offset = 0; offset < ALIGN; offset += 16) {
    try {
      writeSync(fd, buffer, offset, ALIGN, 0);
      ftruncateSync(fd, 0);
      return offset;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    }
  }
  return null;
}
