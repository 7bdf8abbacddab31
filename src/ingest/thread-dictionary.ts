import { threadId } from 'node:worker_threads';

import { ByteDict } from './byte-dict.js';
import { parseChunk, type ParsedChunk, type RowColumns } from './parse-chunk.js';
import type { ChunkSpan } from './scan.js';

/**
 * A worker thread's account dictionary for one load. A chunk of 100 K rows names about
 * 140 K distinct accounts, most of them seen in earlier chunks: keeping one dictionary per
 * thread turns those into lookups, and the coordinator then resolves each key once per
 * thread instead of once per chunk (src/ingest/node-merger.ts).
 */
interface Dictionary {
  session: string;
  /** Names this dictionary among every thread's, for the coordinator (KeySpace `worker`). */
  id: number;
  dict: ByteDict;
  /** Keys `0 .. reported - 1` went out with a result. */
  reported: number;
}

let current: Dictionary | null = null;
let made = 0;

/**
 * Drops the dictionary: a task of another kind means the load is over (hundreds of MB at
 * HI-Large scale that the thread would otherwise hold to the end of the run). Its arrays are
 * freed when this thread's heap is next collected, and the kernels that follow allocate
 * almost nothing on the heap, so that could be never: `collect` (the worker passes V8's gc)
 * runs a collection now.
 */
export function endSession(collect?: () => void): void {
  if (current === null) return;
  current = null;
  collect?.();
}

/**
 * Parses a chunk into this thread's dictionary for load `session` (a new session starts an
 * empty one, sized for `expectedKeys`). The result carries every key not yet reported,
 * including keys a parse that threw had added, so the coordinator never misses one.
 */
export function parseInSession(
  path: string,
  span: ChunkSpan,
  stopAtBadRow: boolean,
  session: string,
  table?: RowColumns,
  expectedKeys = 1 << 16,
): ParsedChunk {
  if (current?.session !== session) {
    const dict = new ByteDict(expectedKeys);
    current = { session, id: threadId * 65_536 + made++, dict, reported: 0 };
  }
  const base = current.reported;
  const chunk = parseChunk(path, span, stopAtBadRow, {
    accounts: current.dict,
    reportFrom: base,
    table,
  });
  chunk.keySpace = { kind: 'worker', session, worker: current.id, base };
  current.reported = current.dict.size;
  return chunk;
}
