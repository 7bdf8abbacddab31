import { closeSync, fsyncSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

import { OptionError, OutputError } from '../errors.js';
import { realPathOf } from '../real-path.js';
import { openNewFile, trackTempFile, untrackTempFile } from '../temp-files.js';

const FLUSH_BYTES = 1 << 20;

/** Real paths of files an export must not replace, each with how a message names it. */
export type KeptFiles = ReadonlyMap<string, string>;

const NO_KEPT_FILES: KeptFiles = new Map();

/** Files an export reads (what each is, and its path, if any) as `KeptFiles`. */
export function keptFiles(files: [string, string | null | undefined][]): KeptFiles {
  const kept = new Map<string, string>();
  for (const [what, path] of files) {
    if (path !== null && path !== undefined) kept.set(realPathOf(path), `the ${what} file ${path}`);
  }
  return kept;
}

/**
 * A file written under `<path>.tmp` and renamed into place by `commit()`, so a reader (or a
 * killed export) never leaves a half-written file under the real name. Text is buffered;
 * `writeAt` places bytes at an absolute offset, for arrays filled in more than one pass.
 */
export class AtomicFile {
  readonly path: string;
  readonly #tmp: string;
  #fd: number | null;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #position = 0;

  /**
   * `keep` maps the real paths of files that must not be replaced (the run's inputs) to how
   * a message names them: such a path is refused before anything is written.
   */
  constructor(path: string, keep: KeptFiles = NO_KEPT_FILES) {
    this.path = path;
    this.#tmp = `${path}.tmp`;
    const kept = keep.size === 0 ? undefined : keep.get(realPathOf(path));
    if (kept !== undefined) {
      throw new OptionError(
        `${kept} is a file this export writes (${path}); export to another folder`,
      );
    }
    // Found before anything is written, not at the rename after the whole export.
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
      throw new OutputError(
        `cannot write ${path}: a folder is at that name; move it away or export to another ` +
          'folder',
      );
    }
    this.#fd = guard(path, () => openNewFile(this.#tmp));
    trackTempFile(this.#tmp);
  }

  /** Bytes written (or queued) so far through `write`. */
  get position(): number {
    return this.#position;
  }

  write(chunk: string | Uint8Array): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : toBuffer(chunk);
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    this.#position += bytes.length;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
  }

  writeAt(offset: number, bytes: Uint8Array | ArrayBufferView): void {
    this.#flush();
    const buf = toBuffer(bytes);
    guard(this.path, () => writeSync(this.#open(), buf, 0, buf.length, offset));
  }

  /** Flushes, fsyncs and renames the file into place. */
  commit(): string {
    this.#flush();
    const fd = this.#open();
    try {
      guard(this.path, () => {
        fsyncSync(fd);
        closeSync(fd);
        this.#fd = null;
        renameSync(this.#tmp, this.path);
      });
    } catch (error) {
      // A refused rename (a folder at the name) or flush: the written file goes, as on any
      // other failure (abort() would find the file closed and leave it).
      if (this.#fd !== null) closeSync(this.#fd);
      this.#fd = null;
      rmSync(this.#tmp, { force: true });
      throw error;
    } finally {
      untrackTempFile(this.#tmp);
    }
    return this.path;
  }

  /** Closes and removes the temporary file; safe to call after `commit()`. */
  abort(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
    rmSync(this.#tmp, { force: true });
    untrackTempFile(this.#tmp);
  }

  #flush(): void {
    if (this.#pendingBytes === 0) return;
    const data = Buffer.concat(this.#pending, this.#pendingBytes);
    const start = this.#position - this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    guard(this.path, () => writeSync(this.#open(), data, 0, data.length, start));
  }

  #open(): number {
    if (this.#fd === null) throw new OutputError(`${this.path}: written after commit or abort`);
    return this.#fd;
  }
}

/**
 * Runs `work`, then commits every file. When `work` throws, none of them appears under its
 * real name: the temporary files are removed.
 */
export async function commitAfter<T>(files: AtomicFile[], work: () => T | Promise<T>): Promise<T> {
  try {
    const result = await work();
    for (const file of files) file.commit();
    return result;
  } finally {
    for (const file of files) file.abort();
  }
}

function toBuffer(bytes: Uint8Array | ArrayBufferView): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function guard<T>(path: string, io: () => T): T {
  try {
    return io();
  } catch (error) {
    if (error instanceof OutputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OutputError(`cannot write ${path} (${code})`, error);
  }
}
