/**
 * Worker entry point: runs one chunk task and replies with its result or its error as data.
 * It imports kernels and the protocol only, never the pool or the coordinator.
 */
import { threadId } from 'node:worker_threads';

import { toWireError } from '../src/errors.js';
import { collectGarbage, collectSoon } from '../src/pipeline/collect-garbage.js';
import { edgePortFeatures, edgeRowFeatures } from '../src/features/edge-kernel.js';
import { buildCsr, sortLists } from '../src/features/graph.js';
import { blockSquares, blockSums } from '../src/features/moments.js';
import { nodeFeatures } from '../src/features/node-kernel.js';
import { readAccounts, type AccountsRead } from '../src/ingest/accounts.js';
import { BadRows } from '../src/ingest/bad-rows.js';
import { parseChunk, type ParsedChunk } from '../src/ingest/parse-chunk.js';
import { scanPart } from '../src/ingest/scan-parts.js';
import { endSession, parseInSession } from '../src/ingest/thread-dictionary.js';
import { Pacer } from '../src/pipeline/pacer.js';
import type {
  FileTask,
  KernelTask,
  ReadAccountsTask,
  Task,
  TaskReply,
  WriteArrowTask,
} from '../src/protocol/tasks.js';
import { nearestNeighbours } from '../src/resample/knn.js';
import { lowerThisThread } from '../src/pool/worker-priority.js';

lowerThisThread();

export default function runTask(task: FileTask): Promise<TaskReply<unknown>>;
export default function runTask(task: KernelTask): TaskReply<unknown>;
export default function runTask(task: Task): TaskReply<unknown> | Promise<TaskReply<unknown>> {
  // A load's dictionary lives from its first parse to its end-load; file reads leave it be.
  const fileRead = task.kind === 'read-accounts' || task.kind === 'scan-part';
  if (task.kind !== 'parse' && !fileRead) endSession(collectGarbage);
  if (task.kind === 'write-arrow') return writeOutput(task);
  if (task.kind === 'read-accounts') return accountsFile(task);
  try {
    const value = dispatch(task);
    // A task's message holds views of shared columns, which stay resident while any thread
    // has a handle on them. This thread's heap is too small for V8 to collect soon, so a
    // column the coordinator let go (a streamed run's amounts, its ports) would stay until
    // the run ends. A collection of this small heap once the reply is out costs ~ms, spaced
    // out over bursts of short tasks. (`end-load` only ends the session, which collects when
    // there was one.)
    if (task.kind !== 'parse' && task.kind !== 'end-load' && !fileRead) collectSoon();
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

/** Loaded on first use: Arrow is only needed by the last step, so workers start without it. */
async function writeOutput(task: WriteArrowTask): Promise<TaskReply<unknown>> {
  try {
    const { writeArrowFile } = await import('../src/output/arrow-file.js');
    const { sourceOf } = await import('../src/output/column-specs.js');
    const columns = task.columns.map(sourceOf);
    const value = await writeArrowFile(task.path, task.rows, columns, task.stop, {
      folder: task.folder,
    });
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

/** The accounts file, read here so the coordinator stays free for the merge. */
async function accountsFile(task: ReadAccountsTask): Promise<TaskReply<unknown>> {
  try {
    const bad = new BadRows(task.onBadRow);
    const rows = await readAccounts(task.path, bad, new Pacer(undefined));
    // The file and its key dictionary (tens of MB) become garbage once the reply is sent, and
    // the parses that follow allocate too little to collect them: collect once it is out.
    setImmediate(collectGarbage);
    return { ok: true, value: { rows, rejects: bad.rows } satisfies AccountsRead };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

function dispatch(task: KernelTask): unknown {
  switch (task.kind) {
    case 'end-load':
      // runTask has ended the session; wait (a second at most) for the other threads' tasks.
      Atomics.add(task.arrived, 0, 1);
      Atomics.notify(task.arrived, 0);
      for (let t = 0; t < 100 && Atomics.load(task.arrived, 0) < task.threads; t++) {
        Atomics.wait(task.arrived, 0, Atomics.load(task.arrived, 0), 10);
      }
      return threadId;
    case 'parse':
      return parse(task);
    case 'scan-part':
      return scanPart(task.path, task.from, task.to);
    case 'build-csr':
      return buildCsr(task.endpoint, task.rows, task.nodes);
    case 'sort-lists':
      sortLists(task.graph.out, task.ts, task.from, task.to);
      sortLists(task.graph.in, task.ts, task.from, task.to);
      return null;
    case 'node-features':
      nodeFeatures(
        task.graph,
        task.edges,
        task.nodes,
        task.vocab,
        task.out,
        task.from,
        task.to,
        task.records,
      );
      return null;
    case 'edge-rows':
      edgeRowFeatures(task.edges, task.originTs, task.out, task.from, task.to, task.base);
      return null;
    case 'edge-ports':
      edgePortFeatures(task.graph, task.edges, task.ports, task.lists, task.from, task.to);
      return null;
    case 'block-sums':
      return blockSums(task.m, task.cols, task.keep, task.from, task.to);
    case 'block-squares':
      return blockSquares(task.m, task.cols, task.keep, task.mean, task.from, task.to);
    case 'knn':
      nearestNeighbours(task.points, task.m, task.d, task.k, task.out, task.from, task.to);
      return null;
  }
}

function parse(task: Extract<KernelTask, { kind: 'parse' }>): ParsedChunk {
  const table = task.table ?? undefined;
  if (task.session === null) return parseChunk(task.path, task.span, task.stopAtBadRow, { table });
  const { path, span, stopAtBadRow, session, expectedKeys } = task;
  return parseInSession(path, span, stopAtBadRow, session, table, expectedKeys);
}
