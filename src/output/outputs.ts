import { join } from 'node:path';

import type { FolderIdentity } from '../checkpoint/folder-identity.js';

import { AbortedError } from '../errors.js';
import { EDGE_FEATURES, NODE_FEATURES, type FeatureDef } from '../features/definitions.js';
import { MODEL_COLUMNS, modelColumns } from '../features/model-input.js';
import { SPLIT_NAMES } from '../features/split.js';
import { column, type Matrix } from '../features/tables.js';
import type { Loaded } from '../ingest/loaded.js';
import type { Normalized, ScalerStats } from '../pipeline/normalized.js';
import { resampledRows, type Resampled } from '../pipeline/resampled.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { matrixOf, type EdgeFeatureStore } from '../spill/edge-store.js';
import { writeArrowFileAsync, type WrittenFile } from './arrow-file.js';
import { sourceOf, type ColumnSpec } from './column-specs.js';
import type { ResampledSpec } from './resampled-columns.js';
import type { EdgeSpill } from '../spill/edge-spill.js';

/** Frozen, as every constant the package exports (see STEPS). */
export const OUTPUT_FILES = Object.freeze({
  nodes: 'nodes.arrow',
  edges: 'edges.arrow',
  trainResampled: 'train_resampled.arrow',
} as const);

export type OutputName = keyof typeof OUTPUT_FILES;

export interface OutputData {
  loaded: Loaded;
  nodeMatrix: Matrix;
  edgeFeatures: EdgeFeatureStore;
  norm: Normalized;
  resampled: Resampled;
}

/**
 * SPEC §9: the three Arrow files, each written whole or not at all. Writing and hashing 2.5 GB
 * on one thread was a third of a HI-Small run, so the large files are written on pool threads
 * (edges always; the resampled set too when there are two or more) while the coordinator
 * writes the rest. The coordinator yields between its record batches, so SIGINT/SIGTERM (via
 * `signal`) run; they raise a shared stop flag that the worker writes read between theirs.
 */
export async function writeOutputs(
  dir: string,
  pool: WorkerPool,
  data: OutputData,
  signal?: AbortSignal,
  folder?: FolderIdentity,
): Promise<Record<OutputName, WrittenFile>> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const halt = (): void => void Atomics.store(stop, 0, 1);
  signal?.addEventListener('abort', halt);
  const onThread = (name: OutputName, rows: number, columns: ColumnSpec[]) =>
    pool.run<WrittenFile>({
      kind: 'write-arrow',
      path: join(dir, OUTPUT_FILES[name]),
      rows,
      columns,
      stop,
      folder,
    });
  const here = (name: OutputName, rows: number, columns: ColumnSpec[]) =>
    writeArrowFileAsync(join(dir, OUTPUT_FILES[name]), rows, columns.map(sourceOf), signal, {
      folder,
    });

  try {
    const { loaded, resampled } = data;
    const edges = onThread('edges', loaded.edges.rows, edgeColumns(data));
    const trainResampled = (pool.size > 1 ? onThread : here)(
      'trainResampled',
      resampledRows(resampled),
      resampledColumns(data),
    );
    const nodes = here('nodes', loaded.nodes.count, nodeColumns(data));
    const written = await settle([nodes, edges, trainResampled], halt).catch((error) => {
      // A writer thread stops with a bare AbortedError: it cannot see the signal's reason.
      throw signal?.aborted === true && error instanceof AbortedError
        ? AbortedError.of(signal)
        : error;
    });
    if (signal?.aborted === true) throw AbortedError.of(signal);
    const [nodesFile, edgesFile, resampledFile] = written as [
      WrittenFile,
      WrittenFile,
      WrittenFile,
    ];
    return { nodes: nodesFile, edges: edgesFile, trainResampled: resampledFile };
  } finally {
    signal?.removeEventListener('abort', halt);
  }
}

/**
 * Waits for every write, so none is still running when the step fails; the first failure
 * stops the others and is the one reported.
 */
async function settle<T>(writes: Promise<T>[], halt: () => void): Promise<T[]> {
  const failures: unknown[] = [];
  for (const w of writes) {
    w.catch((error: unknown) => {
      failures.push(error);
      halt();
    });
  }
  const results = await Promise.allSettled(writes);
  if (failures.length > 0) throw failures[0];
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function nodeColumns({ loaded, nodeMatrix, norm }: OutputData): ColumnSpec[] {
  const ids = Int32Array.from({ length: loaded.nodes.count }, (_, i) => i);
  return [
    { kind: 'i32', name: 'node_id', values: ids },
    { kind: 'utf8', name: 'bank', values: loaded.nodes.bank },
    { kind: 'utf8', name: 'account', values: loaded.nodes.account },
    ...featureColumns(NODE_FEATURES, nodeMatrix, norm.node),
  ];
}

function edgeColumns({ loaded, edgeFeatures, norm }: OutputData): ColumnSpec[] {
  const e = loaded.edges;
  const n = e.rows;
  return [
    { kind: 'edge-ids', name: 'edge_id', rejected: loaded.rejectedRecords },
    { kind: 'i32', name: 'src', values: e.src.subarray(0, n) },
    { kind: 'i32', name: 'dst', values: e.dst.subarray(0, n) },
    { kind: 'timestamps', name: 'timestamp', values: e.ts.subarray(0, n) },
    { kind: 'i8', name: 'y', values: new Int8Array(e.label.buffer, e.label.byteOffset, n) },
    {
      kind: 'dictionary',
      name: 'typology',
      // Stored -1 for none; written 0 for the empty word.
      codes: loaded.typology.subarray(0, n),
      shift: 1,
      words: ['', ...loaded.typologies],
      id: 0,
    },
    {
      kind: 'dictionary',
      name: 'split',
      codes: norm.split.subarray(0, n),
      shift: 0,
      words: SPLIT_NAMES,
      id: 1,
    },
    ...(edgeFeatures.kind === 'matrix'
      ? featureColumns(EDGE_FEATURES, edgeFeatures.matrix, norm.edge)
      : spilledColumns(edgeFeatures.spill, norm.edge)),
  ];
}

/** `featureColumns` of the edge matrix when it was spilled: the same names and values. */
function spilledColumns(spill: EdgeSpill, stats: ScalerStats): ColumnSpec[] {
  const rawCols = EDGE_FEATURES.map((d, col): ColumnSpec => ({
    kind: 'spill',
    name: d.name,
    spill,
    col,
    z: null,
  }));
  const zCols = stats.cols.map((col, j): ColumnSpec => ({
    kind: 'spill',
    name: `${EDGE_FEATURES[col]!.name}_z`,
    spill,
    col,
    z: { mean: stats.mean[j]!, std: stats.std[j]! },
  }));
  return [...rawCols, ...zCols];
}

/** Raw features in SPEC order, then `<name>_z` for each scaled one. */
function featureColumns(
  defs: readonly FeatureDef[],
  raw: Matrix,
  stats: ScalerStats,
): ColumnSpec[] {
  const rawCols = defs.map((d, c): ColumnSpec => {
    return { kind: 'f64', name: d.name, values: column(raw, c) };
  });
  const zCols = stats.cols.map((c, j): ColumnSpec => {
    const values = column(raw, c);
    return {
      kind: 'z',
      name: `${defs[c]!.name}_z`,
      values,
      mean: stats.mean[j]!,
      std: stats.std[j]!,
    };
  });
  return [...rawCols, ...zCols];
}

function resampledColumns({ resampled, edgeFeatures, norm }: OutputData): ColumnSpec[] {
  const spec: ResampledSpec = {
    rows: resampled.rows,
    columns: modelColumns(matrixOf(edgeFeatures), norm.edge),
    smote: resampled.smote,
    synthetic: resampled.syntheticRows,
    spill: edgeFeatures.kind === 'spill' ? edgeFeatures.spill : null,
  };
  return [
    ...MODEL_COLUMNS.map((name, j): ColumnSpec => ({ kind: 'resampled', name, spec, j })),
    { kind: 'i8', name: 'y', values: resampled.y },
  ];
}
