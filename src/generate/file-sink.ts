import { closeSync, linkSync, openSync, renameSync } from 'node:fs';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { OutputError } from '../errors.js';
import { describeWriteError, makeOutputFolder } from '../checkpoint/folder.js';
import { isProcessAlive } from '../process-alive.js';
import { trackTempFile, untrackTempFile } from '../temp-files.js';

export const SINK_BUFFER_BYTES = 8 * 1024 * 1024;

/** Sinks this process has opened, for unique temporary names. */
let opened = 0;

/**
 * A file written through two large buffers: producers fill `buffer` in place, `drain()` hands
 * it to the disk and swaps in the other one, so formatting the next 8 MiB overlaps writing
 * the last. Output goes to a temporary name and is renamed on `close()`, so a failed or
 * interrupted run never leaves a complete-looking file behind.
 */
export class FileSink {
  readonly path: string;
  buffer: Buffer;
  position = 0;

  readonly #temp: string;
  readonly #handle: FileHandle;
  #spare: Buffer;
  #pending: Promise<void> = Promise.resolve();
  #failure: unknown;
  #bytes = 0;

  private constructor(path: string, temp: string, handle: FileHandle, size: number) {
    this.path = path;
    this.#temp = temp;
    this.#handle = handle;
    this.buffer = Buffer.allocUnsafe(size);
    this.#spare = Buffer.allocUnsafe(size);
  }

  static async open(path: string, size = SINK_BUFFER_BYTES): Promise<FileSink> {
    // The pid names the writer for removeDeadPartials; the count keeps the calls of one
    // process apart.
    const temp = `${path}.partial-${process.pid}-${++opened}`;
    // Caught before any row is generated, instead of at the final rename.
    if ((await stat(path).catch(() => null))?.isDirectory() === true) {
      throw new OutputError(`cannot write ${path}: it is a directory (give a file path)`);
    }
    makeOutputFolder(dirname(path));
    await removeDeadPartials(path);
    // Listed, then created in one synchronous call: a signal's handler (which removes the
    // listed files) runs either before the file exists or after it is listed. Created by an
    // asynchronous open, it was on disk but unlisted until the open's callback ran, and a
    // signal in between left it behind (a fresh-user trial: 5 times in 20).
    trackTempFile(temp);
    try {
      closeSync(openSync(temp, 'w'));
      return new FileSink(path, temp, await open(temp, 'r+'), size);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      untrackTempFile(temp);
      throw outputError(path, error);
    }
  }

  /** Bytes written so far, including what is still buffered. */
  get bytes(): number {
    return this.#bytes + this.position;
  }

  /** Starts writing the filled part of `buffer` and continues in the other buffer. */
  async drain(): Promise<void> {
    const full = this.buffer;
    const length = this.position;

    // The spare buffer is reused right after this, so its own write must have finished.
    await this.#settle();
    this.#pending = writeAll(this.#handle, full, length).catch((error: unknown) => {
      this.#failure = error;
    });

    this.buffer = this.#spare;
    this.#spare = full;
    this.position = 0;
    this.#bytes += length;
  }

  /** Appends ASCII text. */
  async writeText(text: string): Promise<void> {
    if (text.length > this.buffer.length - this.position) await this.drain();
    if (text.length > this.buffer.length) {
      await this.#settle();
      await writeAll(this.#handle, Buffer.from(text, 'latin1'), text.length);
      this.#bytes += text.length;
      return;
    }
    this.position += this.buffer.write(text, this.position, 'latin1');
  }

  /**
   * Flushes, closes and moves the file to its final name; returns its size. On failure the
   * temporary file is removed, so nothing named `<path>.partial-<pid>-<n>` is left behind.
   * Unless `replace`, a file that appeared at the name meanwhile (another process's generate
   * to the same path, which passed the same check at its start) is not replaced: a rename
   * would have, and both commands said they wrote it (a fresh-user trial).
   */
  async close(replace = true, onPlaced: () => void = () => {}): Promise<number> {
    try {
      await this.drain();
      await this.#settle();
    } catch (error) {
      await this.abort();
      throw error;
    }
    try {
      await this.#handle.close();
      if (replace) await rename(this.#temp, this.path);
      else await placeNew(this.#temp, this.path, onPlaced);
    } catch (error) {
      if (error instanceof OutputError) {
        await rm(this.#temp, { force: true }).catch(() => undefined);
        throw error;
      }
      await rm(this.#temp, { force: true }).catch(() => undefined);
      throw outputError(this.path, error);
    } finally {
      untrackTempFile(this.#temp);
    }
    return this.#bytes;
  }

  /** Closes and removes the temporary file after a failure; never throws. */
  async abort(): Promise<void> {
    await this.#pending;
    await this.#handle.close().catch(() => undefined);
    await rm(this.#temp, { force: true }).catch(() => undefined);
    untrackTempFile(this.#temp);
  }

  async #settle(): Promise<void> {
    await this.#pending;
    if (this.#failure !== undefined) throw outputError(this.path, this.#failure);
  }
}

/**
 * Gives `temp` the name `path` only if nothing is there: a hard link fails with EEXIST
 * where a rename would replace. A file system without hard links gets the rename after a
 * last look. Synchronous, so that `onPlaced` runs before any signal handler can: done on
 * libuv's pool, the file was at its name a moment before the call returned.
 */
async function placeNew(temp: string, path: string, onPlaced: () => void): Promise<void> {
  try {
    linkSync(temp, path);
    onPlaced();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') {
      throw appeared(path);
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    if ((await stat(path).catch(() => null)) !== null) {
      throw appeared(path);
    }
    renameSync(temp, path);
    onPlaced();
    return;
  }
  await rm(temp, { force: true });
}

/** The refusal of a file that another writer put at `path` while this generate wrote. */
function appeared(path: string): OutputError {
  return new OutputError(
    `${path} appeared while this generate was writing it (another process's?); ` +
      'generate replaces a file only when asked (--force, or overwrite: true)',
  );
}

async function writeAll(handle: FileHandle, data: Buffer, length: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(data, done, length - done);
    done += bytesWritten;
  }
}

/** Names the file asked for, not its temporary name, and the reason in words. */
function outputError(path: string, cause: unknown): OutputError {
  // Node's own words end in the call and the temporary path: `…, open 'x.csv.partial-1-1'`.
  const reason = describeWriteError(cause).replace(/, \w+ '[^']*'$/, '');
  return new OutputError(`cannot write ${path} (${reason})`, cause);
}

/**
 * Removes `FILE.partial-<pid>-<n>` files of `path` left by a generate that was killed (SIGKILL
 * gives it no chance to remove its own): those of a pid that is no longer running on this
 * machine. A running generate's partial file, or any other file, is left alone.
 */
async function removeDeadPartials(path: string): Promise<void> {
  const prefix = `${basename(path)}.partial-`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    // `<pid>-<count>`, or `<pid>` as written before the count was added.
    const pid = /^([1-9]\d{0,9})(?:-[1-9]\d{0,15})?$/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || isProcessAlive(Number(pid))) continue;
    await rm(join(dirname(path), name), { force: true }).catch(() => undefined);
  }
}
