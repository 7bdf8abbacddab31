import { placeFile } from '../checkpoint/folder-identity.js';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

import {
  AsyncByteQueue,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
} from 'apache-arrow';

import { describeWriteError } from '../checkpoint/folder.js';
import { AbortedError, OutputError } from '../errors.js';
import type { ColumnSource } from './arrow-columns.js';
import { SequentialFile, type SequentialFileOptions } from './direct-file.js';

/**
 * Rows per record batch. Fixed (not the chunk size) so the bytes of a file never depend on how
 * a run was chunked. A batch's computed columns (z-scores, SMOTE rows) are held whole until it
 * is written: at 2^20 rows that was 550 MB of scratch for the two large files, each page
 * touched first at a cost on a virtual machine, and read back from memory rather than cache
 * for the hash and the write. 2^16 rows of edges.arrow's 48 columns are 24 MiB.
 */
export const BATCH_ROWS = 1 << 16;

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Writes an Arrow IPC file (Feather v2) batch by batch, to a temporary name that is fsynced and
 * then renamed, so a kill leaves either the old file or the complete new one. On a worker
 * thread no signal handler can run, so the coordinator asks it to stop through `stop`: a
 * shared flag read between batches (non-zero: remove the temporary file, throw AbortedError).
 */
export function writeArrowFile(
  path: string,
  rows: number,
  columns: ColumnSource[],
  stop?: Int32Array,
  fileOptions?: SequentialFileOptions,
): Promise<WrittenFile> {
  return writeBatches(path, rows, columns, fileOptions, () => {
    if (stop !== undefined && Atomics.load(stop, 0) !== 0) throw new AbortedError();
    return Promise.resolve();
  });
}

/**
 * The same on the coordinator, letting the event loop turn between batches so a signal
 * handler can run: with an aborted `signal` the write stops, removes its temporary file and
 * rejects with AbortedError.
 */
export function writeArrowFileAsync(
  path: string,
  rows: number,
  columns: ColumnSource[],
  signal?: AbortSignal,
  fileOptions?: SequentialFileOptions,
): Promise<WrittenFile> {
  return writeBatches(path, rows, columns, fileOptions, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted === true) throw AbortedError.of(signal);
  });
}

/**
 * The write, calling `between` after each record batch (it throws AbortedError to stop). The
 * Arrow writer hands over a batch's pieces as it encodes them; they are views of the batch's
 * columns, so they are only queued then, and staged, hashed and counted before the next
 * batch is built: its columns may reuse the same scratch memory.
 */
async function writeBatches(
  path: string,
  rows: number,
  columns: ColumnSource[],
  fileOptions: SequentialFileOptions | undefined,
  between: () => Promise<void>,
): Promise<WrittenFile> {
  const schema = new Schema(columns.map((c) => c.field));
  const writer = new RecordBatchFileWriter();
  const tmp = `${path}.tmp`;
  const hash = createHash('sha256');
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  let file: SequentialFile | null = null;
  let finished = false;

  const drain = async (out: SequentialFile): Promise<void> => {
    for (const piece of pieces) {
      await out.write(piece);
      hash.update(piece);
      bytes += piece.byteLength;
    }
    pieces.length = 0;
  };

  try {
    const out = new SequentialFile(tmp, fileOptions);
    file = out;
    writer.reset(new FileSink((piece) => pieces.push(piece)), schema);
    for (let from = 0; from === 0 || from < rows; from += BATCH_ROWS) {
      writer.write(batchOf(schema, columns, from, Math.min(rows, from + BATCH_ROWS)));
      await drain(out);
      await between();
    }
    writer.finish();
    await drain(out);
    await out.finish();
    file = null;
    await out.close();
    placeFile(tmp, path, fileOptions?.folder);
    syncDir(dirname(path));
    finished = true;
  } catch (error) {
    if (error instanceof AbortedError) throw error;
    // `ENOSPC: no space left on device`, as the other writes of a run say it.
    throw new OutputError(`cannot write ${path} (${describeWriteError(error)})`, error);
  } finally {
    // Failed or abandoned: a half-written temporary file only takes space.
    if (!finished) {
      await file?.close();
      removeLeftover(tmp);
    }
  }
  return { path, bytes, sha256: hash.digest('hex') };
}

function batchOf(schema: Schema, columns: ColumnSource[], from: number, to: number): RecordBatch {
  const children = columns.map((c) => c.slice(from, to));
  const data = makeData({ type: new Struct(schema.fields), length: to - from, children });
  return new RecordBatch(schema, data);
}

/** A writer sink that hands each encoded piece over as it comes, without Arrow's own queue. */
class FileSink extends AsyncByteQueue {
  constructor(private readonly onChunk: (chunk: Uint8Array) => void) {
    super();
  }

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.onChunk(value);
  }
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Best effort: a folder planted at the temporary name stays, and the write's error stands. */
function removeLeftover(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // The error that ended the write says what went wrong; this one would hide it.
  }
}
