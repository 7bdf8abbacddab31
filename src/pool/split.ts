import { MOMENT_BLOCK, type BlockMoments } from '../features/moments.js';
import type { ParsedChunk } from '../ingest/parse-chunk.js';
import type { Task } from '../protocol/tasks.js';
import { joinParsed, parseNeedsSecond, splitParse } from './split-parse.js';

/**
 * Halves of a task for a worker that ran out of memory on it: running both halves and joining
 * their results with `joinHalves` gives exactly what the whole task gives, bit for bit. Null
 * when the task cannot split (one row, one node, one moment block, one record).
 *
 * - Range kinds (sort-lists, node-features, edge-rows, edge-ports, knn) write rows, nodes or
 *   query rows [from, to) into shared arrays at absolute positions, and each item depends on
 *   itself alone: they split at the middle item.
 * - block-sums and block-squares return one result per MOMENT_BLOCK counted from `from`: they
 *   split on a block boundary, so each block keeps its rows and its order of additions.
 * - parse splits its byte span after its middle record (see split-parse.ts).
 */
export function splitTask(task: Task): [Task, Task] | null {
  switch (task.kind) {
    case 'write-arrow':
    case 'read-accounts':
    case 'end-load':
    case 'scan-part':
    case 'build-csr':
      // One file: a write's record batches are already bounded, and a file cannot be halved.
      // A CSR build's large arrays are shared buffers, outside the heap it could run out of.
      return null;
    case 'parse':
      return splitParse(task);
    case 'block-sums':
    case 'block-squares': {
      const blocks = Math.ceil((task.to - task.from) / MOMENT_BLOCK);
      if (blocks < 2) return null;
      const mid = task.from + Math.floor(blocks / 2) * MOMENT_BLOCK;
      return [
        { ...task, to: mid },
        { ...task, from: mid },
      ];
    }
    case 'sort-lists':
    case 'node-features':
    case 'edge-rows':
    case 'edge-ports':
    case 'knn': {
      if (task.to - task.from < 2) return null;
      const mid = task.from + Math.floor((task.to - task.from) / 2);
      return [
        { ...task, to: mid },
        { ...task, from: mid },
      ];
    }
  }
}

/** Whether the second half must run once the first half's result is known. */
export function needsSecondHalf(task: Task, first: unknown): boolean {
  return task.kind !== 'parse' || parseNeedsSecond(task, first as ParsedChunk);
}

/** The whole task's result from its halves' (`second` is null when it was not needed). */
export function joinHalves(task: Task, first: unknown, second: unknown): unknown {
  switch (task.kind) {
    case 'write-arrow':
    case 'read-accounts':
    case 'end-load':
    case 'scan-part':
    case 'build-csr':
      return first;
    case 'parse':
      return joinParsed(task, first as ParsedChunk, second as ParsedChunk | null);
    case 'block-sums': {
      const a = first as BlockMoments;
      const b = second as BlockMoments;
      return {
        count: concat(a.count, b.count),
        sum: concat(a.sum, b.sum),
        min: concat(a.min, b.min),
        max: concat(a.max, b.max),
      } satisfies BlockMoments;
    }
    case 'block-squares':
      return concat(first as Float64Array, second as Float64Array);
    case 'sort-lists':
    case 'node-features':
    case 'edge-rows':
    case 'edge-ports':
    case 'knn':
      // Both halves wrote their part of the shared arrays and returned nothing.
      return null;
  }
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** What the task covers, for messages: "edge-rows rows [5000, 10000)". */
export function describeTask(task: Task): string {
  if (task.kind === 'parse') {
    const s = task.span;
    return `parse of ${plural(s.rows, 'row')} from line ${s.firstLine}`;
  }
  if (task.kind === 'write-arrow') return `write of ${task.path}`;
  if (task.kind === 'read-accounts') return `read of ${task.path}`;
  if (task.kind === 'end-load') return 'end of a load';
  if (task.kind === 'scan-part') return `scan of bytes [${task.from}, ${task.to}) of ${task.path}`;
  if (task.kind === 'build-csr') return `adjacency of ${plural(task.rows, 'row')}`;
  const unit = UNITS[task.kind];
  return `${task.kind} ${unit}s [${task.from}, ${task.to}) (${plural(task.to - task.from, unit)})`;
}

type RangeKind = Exclude<
  Task['kind'],
  'parse' | 'write-arrow' | 'read-accounts' | 'end-load' | 'build-csr' | 'scan-part'
>;

const UNITS: Record<RangeKind, string> = {
  'sort-lists': 'node',
  'node-features': 'node',
  'edge-rows': 'row',
  'edge-ports': 'node',
  'block-sums': 'row',
  'block-squares': 'row',
  knn: 'query row',
};

function plural(n: number, unit: string): string {
  return `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;
}
