import { open, type FileHandle } from 'node:fs/promises';

import {
  RecordBatch,
  RecordBatchReader,
  type AsyncRecordBatchFileReader,
  type Data,
  type Schema,
} from 'apache-arrow';

import {
  DICTIONARY_MESSAGE,
  RECORD_BATCH_MESSAGE,
  footerProblem,
  messageProblem,
  type FileBlock,
} from './arrow-check.js';

const MAGIC = Buffer.from('ARROW1', 'latin1');
/** The leading magic and its padding; the end is the footer's length and the magic. */
const HEAD_BYTES = 8;
const TAIL_BYTES = 4 + MAGIC.length;

/** Why a file cannot be read as Arrow: the message of an error that `notArrow` words. */
export class ArrowDamage extends Error {}

/**
 * An Arrow IPC file read one record batch at a time, by its footer, with every flatbuffer
 * checked before Arrow JS decodes it (arrow-check.ts) and every batch's columns checked to
 * hold the rows the batch says it has. A damaged file is an `ArrowDamage` or an error of the
 * system, never a loop without end or a process out of memory (trial M).
 */
export class CheckedArrowFile {
  private constructor(
    readonly schema: Schema,
    private readonly handle: FileHandle,
    private readonly reader: AsyncRecordBatchFileReader,
    private readonly blocks: FileBlock[],
    private readonly size: number,
  ) {}

  static async open(path: string): Promise<CheckedArrowFile> {
    const handle = await open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      const blocks = await checkedBlocks(handle, size);
      const reader = await RecordBatchReader.from(endingReads(handle));
      if (!reader.isFile()) throw new ArrowDamage('no Arrow file magic');
      await reader.open({ autoDestroy: false });
      return new CheckedArrowFile(reader.schema, handle, reader, blocks, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get batchCount(): number {
    return this.blocks.length;
  }

  /** Record batch `index` (0 ≤ index < batchCount), its header and columns checked. */
  async batch(index: number): Promise<RecordBatch> {
    const block = this.blocks[index];
    if (block === undefined) throw new RangeError(`no batch ${index}`);
    await checkMessage(this.handle, this.size, block, RECORD_BATCH_MESSAGE);

    const batch = await this.reader.readRecordBatch(index);
    if (batch === null) throw new ArrowDamage(`block ${index} holds no record batch`);
    const problem = columnsProblem(batch);
    if (problem !== null) throw new ArrowDamage(`batch ${index}: ${problem}`);
    return batch;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * The footer's blocks, the footer and every dictionary message checked: Arrow JS decodes them
 * all as it opens the file.
 */
async function checkedBlocks(handle: FileHandle, size: number): Promise<FileBlock[]> {
  if (size < HEAD_BYTES + TAIL_BYTES) throw new ArrowDamage('shorter than an Arrow file');
  const head = await readAt(handle, 0, HEAD_BYTES);
  const tail = await readAt(handle, size - TAIL_BYTES, TAIL_BYTES);
  if (!head.subarray(0, MAGIC.length).equals(MAGIC) || !tail.subarray(4).equals(MAGIC)) {
    throw new ArrowDamage('no Arrow file magic');
  }

  const length = tail.readInt32LE(0);
  const start = size - TAIL_BYTES - length;
  if (length <= 0 || start < HEAD_BYTES) throw new ArrowDamage(`footer length ${length}`);
  const found = footerProblem(await readAt(handle, start, length));
  if ('problem' in found) throw new ArrowDamage(found.problem);

  for (const block of found.dictionaries) {
    await checkMessage(handle, size, block, DICTIONARY_MESSAGE);
  }
  return found.batches;
}

async function checkMessage(
  handle: FileHandle,
  size: number,
  block: FileBlock,
  header: number,
): Promise<void> {
  const { offset, metaDataLength } = block;
  if (offset < HEAD_BYTES || metaDataLength <= 0 || offset + metaDataLength > size) {
    throw new ArrowDamage(`a block at ${offset} of ${metaDataLength} bytes`);
  }
  const problem = messageProblem(await readAt(handle, offset, metaDataLength), header);
  if (problem !== null) throw new ArrowDamage(`${problem} at byte ${offset}`);
}

/**
 * The handle as Arrow JS is given it, its reads refused once they return nothing: Arrow JS
 * reads a batch's body in a loop until it has every byte, and a file cut short after it was
 * opened had that loop await reads of nothing without end.
 */
function endingReads(handle: FileHandle): FileHandle {
  const read = async (buffer: Uint8Array, offset: number, length: number, position: number) => {
    const result = await handle.read(buffer, offset, length, position);
    if (result.bytesRead === 0 && length > 0) throw new ArrowDamage('cut short while read');
    return result;
  };
  return {
    fd: handle.fd,
    stat: () => handle.stat(),
    read,
    close: () => handle.close(),
  } as unknown as FileHandle;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await handle.read(bytes, 0, length, position);
  if (bytesRead < length) throw new ArrowDamage('cut short');
  return bytes;
}

/**
 * Why a decoded batch's columns cannot hold its rows, or null. Arrow JS takes a batch's row
 * count and each column's buffers from separate fields: a changed count with whole buffers
 * would have the readers index past their values (undefined, read as NaN) for as many rows
 * as the changed count says.
 */
function columnsProblem(batch: RecordBatch): string | null {
  for (const [i, column] of batch.data.children.entries()) {
    const name = batch.schema.fields[i]?.name ?? String(i);
    if (column.length !== batch.numRows) {
      return `column ${name} has ${column.length} rows, the batch ${batch.numRows}`;
    }
    if (!holdsRows(column)) return `column ${name} has fewer values than rows`;
    // A dictionary's own length is read the same way; its words are listed by length.
    if (column.dictionary?.data.some((words) => !holdsRows(words)) === true) {
      return `column ${name}'s dictionary has fewer words than it says`;
    }
  }
  return null;
}

function holdsRows(column: Data): boolean {
  const length = column.length;
  if (column.nullCount > 0 && column.nullBitmap !== undefined) {
    if (column.nullBitmap.length * 8 < length) return false;
  }
  if (column.valueOffsets !== undefined && column.valueOffsets !== null) {
    return column.valueOffsets.length >= length + 1;
  }
  return column.values === undefined || column.values.length >= length * column.stride;
}
