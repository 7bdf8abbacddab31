import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
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
 * a run was chunked, and well under Arrow JS's 2 GiB per-batch read limit at 45 columns.
 */
export const BATCH_ROWS = 1 << 20;

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
): WrittenFile {
  const steps = writeSteps(path, rows, columns, fileOptions);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    if (stop !== undefined && Atomics.load(stop, 0) !== 0) {
      steps.return(undefined as never);
      throw new AbortedError();
    }
  }
}

/**
 * The same, yielding to the event loop between batches so a signal handler can run: with an
 * aborted `signal` the write stops, removes its temporary file and rejects with AbortedError.
 */
export async function writeArrowFileAsync(
  path: string,
  rows: number,
  columns: ColumnSource[],
  signal?: AbortSignal,
  fileOptions?: SequentialFileOptions,
): Promise<WrittenFile> {
  const steps = writeSteps(path, rows, columns, fileOptions);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted === true) {
      steps.return(undefined as never);
      throw new AbortedError();
    }
  }
}

/** The write as steps: one yield after each record batch. */
function* writeSteps(
  path: string,
  rows: number,
  columns: ColumnSource[],
  fileOptions: SequentialFileOptions | undefined,
): Generator<void, WrittenFile, void> {
  const schema = new Schema(columns.map((c) => c.field));
  const writer = new RecordBatchFileWriter();
  const tmp = `${path}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  let file: SequentialFile | null = null;
  let finished = false;

  try {
    const out = new SequentialFile(tmp, fileOptions);
    file = out;
    writer.reset(
      new FileSink((chunk) => {
        out.write(chunk);
        hash.update(chunk);
        bytes += chunk.byteLength;
      }),
      schema,
    );
    for (let from = 0; from === 0 || from < rows; from += BATCH_ROWS) {
      writer.write(batchOf(schema, columns, from, Math.min(rows, from + BATCH_ROWS)));
      yield;
    }
    writer.finish();
    out.finish();
    file = null;
    out.close();
    renameSync(tmp, path);
    syncDir(dirname(path));
    finished = true;
  } catch (error) {
    // `ENOSPC: no space left on device`, as the other writes of a run say it.
    throw new OutputError(`cannot write ${path} (${describeWriteError(error)})`, error);
  } finally {
    // Failed or abandoned: a half-written temporary file only takes space.
    if (!finished) {
      file?.close();
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

/** A writer sink that hands each encoded piece straight to the file instead of queueing it. */
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
