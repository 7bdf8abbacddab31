import { join } from 'node:path';

import { EDGE_FEATURES, NODE_FEATURES, type FeatureDef } from '../features/definitions.js';
import { MODEL_COLUMNS } from '../features/model-input.js';
import { SPLIT_NAMES } from '../features/split.js';
import { column, type Matrix } from '../features/tables.js';
import type { Loaded } from '../ingest/loaded.js';
import type { Normalized, ScalerStats } from '../pipeline/normalized.js';
import type { Resampled } from '../pipeline/resampled.js';
import {
  dictionary,
  f64,
  i32,
  i64,
  i8,
  timestamps,
  utf8,
  zScore,
  type ColumnSource,
} from './arrow-columns.js';
import { writeArrowFileAsync, type WrittenFile } from './arrow-file.js';

export const OUTPUT_FILES = {
  nodes: 'nodes.arrow',
  edges: 'edges.arrow',
  trainResampled: 'train_resampled.arrow',
} as const;

export type OutputName = keyof typeof OUTPUT_FILES;

/**
 * SPEC §9: the three Arrow files, each written whole or not at all. Between record batches
 * the event loop runs, so SIGINT/SIGTERM (via `signal`) stop a long write cleanly.
 */
export async function writeOutputs(
  dir: string,
  loaded: Loaded,
  nodeMatrix: Matrix,
  edgeMatrix: Matrix,
  norm: Normalized,
  resampled: Resampled,
  signal?: AbortSignal,
): Promise<Record<OutputName, WrittenFile>> {
  return {
    nodes: await writeArrowFileAsync(
      join(dir, OUTPUT_FILES.nodes),
      loaded.nodes.count,
      nodeColumns(loaded, nodeMatrix, norm.node),
      signal,
    ),
    edges: await writeArrowFileAsync(
      join(dir, OUTPUT_FILES.edges),
      loaded.edges.rows,
      edgeColumns(loaded, edgeMatrix, norm),
      signal,
    ),
    trainResampled: await writeArrowFileAsync(
      join(dir, OUTPUT_FILES.trainResampled),
      resampled.x.rows,
      resampledColumns(resampled),
      signal,
    ),
  };
}

function nodeColumns(loaded: Loaded, raw: Matrix, stats: ScalerStats): ColumnSource[] {
  const ids = Int32Array.from({ length: loaded.nodes.count }, (_, i) => i);
  return [
    i32('node_id', ids),
    utf8('bank', loaded.nodes.bank),
    utf8('account', loaded.nodes.account),
    ...featureColumns(NODE_FEATURES, raw, stats),
  ];
}

function edgeColumns(loaded: Loaded, raw: Matrix, norm: Normalized): ColumnSource[] {
  const e = loaded.edges;
  const typology = Int32Array.from(loaded.typology.subarray(0, e.rows), (t) => t + 1);
  const split = Int32Array.from(norm.split.subarray(0, e.rows));
  return [
    i64('edge_id', loaded.edgeIds.subarray(0, e.rows)),
    i32('src', e.src.subarray(0, e.rows)),
    i32('dst', e.dst.subarray(0, e.rows)),
    timestamps('timestamp', e.ts.subarray(0, e.rows)),
    i8('y', new Int8Array(e.label.buffer, e.label.byteOffset, e.rows)),
    dictionary('typology', typology, ['', ...loaded.typologies], 0),
    dictionary('split', split, SPLIT_NAMES, 1),
    ...featureColumns(EDGE_FEATURES, raw, norm.edge),
  ];
}

/** Raw features in SPEC order, then `<name>_z` for each scaled one. */
function featureColumns(
  defs: readonly FeatureDef[],
  raw: Matrix,
  stats: ScalerStats,
): ColumnSource[] {
  const rawCols = defs.map((d, c) => f64(d.name, column(raw, c)));
  const zCols = stats.cols.map((c, j) =>
    zScore(`${defs[c]!.name}_z`, column(raw, c), stats.mean[j]!, stats.std[j]!),
  );
  return [...rawCols, ...zCols];
}

function resampledColumns(r: Resampled): ColumnSource[] {
  return [...MODEL_COLUMNS.map((name, j) => f64(name, column(r.x, j))), i8('y', r.y)];
}
