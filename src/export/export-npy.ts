import { join } from 'node:path';

import type { RecordBatch } from 'apache-arrow';

import { InputError } from '../errors.js';
import type { Manifest } from '../output/manifest.js';
import { outputBatches } from '../read-outputs.js';
import { UnreadableOutputError } from '../output/unreadable-output.js';
import { AtomicFile, commitAfter, type KeptFiles } from './atomic-file.js';
import { dictionaryCodes, f64, i32, i64AsNumbers, i8 } from './batch-columns.js';
import { NpyFile, type NpyDescr } from './npy.js';
import {
  columnWithRole,
  edgeRoleColumns,
  modelInputColumns,
  resampledFeatureColumns,
} from './roles.js';

/** What each array holds, written beside them as `arrays.json`. */
export interface ArrayInfo {
  dtype: string;
  shape: number[];
  source: string;
  columns?: string[];
  rows?: string[];
}

const DTYPE: Record<NpyDescr, string> = {
  '<f8': 'float64',
  '<i8': 'int64',
  '|i1': 'int8',
  '|b1': 'bool',
};

/** Split names (the `split` dictionary of edges.arrow) and the mask file each one sets. */
const MASKS = { train: 'train_mask.npy', validation: 'val_mask.npy', test: 'test_mask.npy' };

/**
 * `export --format npy`: the graph as NumPy arrays, in edges.arrow order (file order):
 * x (nodes × node model input), edge_index (2 × E), edge_attr (E × edge model input), y,
 * edge_id, the three split masks, and the resampled training set.
 */
export async function exportNpy(
  dir: string,
  manifest: Manifest,
  out: string,
  keep?: KeptFiles,
  signal: AbortSignal | null = null,
): Promise<string[]> {
  const { nodes, edges, resampled, columns, info } = openArrays(manifest, out, keep);
  const all = [...Object.values(nodes), ...Object.values(edges), ...Object.values(resampled)];
  const index = new AtomicFile(join(out, 'arrays.json'), keep);
  const e = manifest.files.edges.rows;

  await commitAfter([...all.map((f) => f.file), index], async () => {
    await fill(
      dir,
      manifest,
      'nodes',
      (batch, row) => {
        // edge_index refers to node ids, so row i of x must be node i.
        checkNodeIds(i32(batch, columns.nodeId), row);
        nodes.x.put(row * columns.node.length * 8, rowMajor(batch, columns.node));
      },
      signal,
    );
    await fill(
      dir,
      manifest,
      'edges',
      (batch, row) => {
        const { src, dst, label, id, split } = columns.edgeRoles;
        edges.edgeIndex.put(row * 8, toInt64(i32(batch, src)));
        edges.edgeIndex.put((e + row) * 8, toInt64(i32(batch, dst)));
        edges.edgeAttr.put(row * columns.edge.length * 8, rowMajor(batch, columns.edge));
        edges.y.put(row, i8(batch, label));
        edges.edgeId.put(row * 8, toInt64(i64AsNumbers(batch, id)));
        const masks = splitMasks(batch, split);
        edges.train.put(row, masks.train);
        edges.validation.put(row, masks.validation);
        edges.test.put(row, masks.test);
      },
      signal,
    );
    await fill(
      dir,
      manifest,
      'trainResampled',
      (batch, row) => {
        resampled.x.put(row * columns.resampled.length * 8, rowMajor(batch, columns.resampled));
        resampled.y.put(row, i8(batch, columns.resampledLabel));
      },
      signal,
    );
    for (const f of all) f.checkFull();
    index.write(`${JSON.stringify(info, null, 2)}\n`);
  });
  return [...all.map((f) => f.path), index.path];
}

/** Opens every array with its final shape, and records what each holds for arrays.json. */
function openArrays(manifest: Manifest, out: string, keep: KeptFiles | undefined) {
  const info: Record<string, ArrayInfo> = {};
  const opener =
    (source: string) =>
    (
      name: string,
      descr: NpyDescr,
      shape: number[],
      labels: Pick<ArrayInfo, 'columns' | 'rows'>,
    ) => {
      info[name] = { dtype: DTYPE[descr], shape, source, ...labels };
      return new NpyFile(join(out, name), descr, shape, keep);
    };
  const columns = {
    nodeId: columnWithRole(manifest, 'nodes', 'id'),
    node: modelInputColumns(manifest.features.node),
    edge: modelInputColumns(manifest.features.edge),
    edgeRoles: edgeRoleColumns(manifest),
    resampled: resampledFeatureColumns(manifest),
    resampledLabel: columnWithRole(manifest, 'trainResampled', 'label'),
  };
  const n = manifest.files.nodes.rows;
  const e = manifest.files.edges.rows;
  const r = manifest.files.trainResampled.rows;
  const { src, dst, label, id, split } = columns.edgeRoles;

  let open = opener('nodes.arrow');
  const nodes = { x: open('x.npy', '<f8', [n, columns.node.length], { columns: columns.node }) };
  open = opener('edges.arrow');
  const edges = {
    edgeIndex: open('edge_index.npy', '<i8', [2, e], { rows: [src, dst] }),
    edgeAttr: open('edge_attr.npy', '<f8', [e, columns.edge.length], { columns: columns.edge }),
    y: open('y.npy', '|i1', [e], { columns: [label] }),
    edgeId: open('edge_id.npy', '<i8', [e], { columns: [id] }),
    train: open(MASKS.train, '|b1', [e], { columns: [`${split} == "train"`] }),
    validation: open(MASKS.validation, '|b1', [e], { columns: [`${split} == "validation"`] }),
    test: open(MASKS.test, '|b1', [e], { columns: [`${split} == "test"`] }),
  };
  open = opener('train_resampled.arrow');
  const resampled = {
    x: open('train_resampled_x.npy', '<f8', [r, columns.resampled.length], {
      columns: columns.resampled,
    }),
    y: open('train_resampled_y.npy', '|i1', [r], { columns: [columns.resampledLabel] }),
  };
  return { nodes, edges, resampled, columns, info };
}

function checkNodeIds(ids: Int32Array, firstRow: number): void {
  const at = ids.findIndex((id, i) => id !== firstRow + i);
  if (at !== -1) {
    // No run writes this: said through the SHA-256 check that names a changed file (trial O).
    throw new UnreadableOutputError(
      `nodes.arrow: row ${firstRow + at} holds node_id ${ids[at]}; ` +
        `x.npy needs the nodes in node_id order`,
    );
  }
}

async function fill(
  dir: string,
  manifest: Manifest,
  name: 'nodes' | 'edges' | 'trainResampled',
  onBatch: (batch: RecordBatch, firstRow: number) => void,
  signal: AbortSignal | null,
): Promise<void> {
  let row = 0;
  for await (const batch of outputBatches(dir, manifest, name, { verify: true, signal })) {
    onBatch(batch, row);
    row += batch.numRows;
  }
}

/** The named float64 columns of a batch as one row-major (C order) block. */
export function rowMajor(batch: RecordBatch, names: readonly string[]): Float64Array {
  const width = names.length;
  const out = new Float64Array(batch.numRows * width);
  names.forEach((name, c) => {
    const column = f64(batch, name);
    for (let i = 0; i < column.length; i++) out[i * width + c] = column[i]!;
  });
  return out;
}

/** Whole numbers (|x| < 2^53) as little-endian int64, built from 32-bit halves. */
export function toInt64(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const halves = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const high = Math.floor(x / 4_294_967_296);
    halves[2 * i] = x - high * 4_294_967_296;
    halves[2 * i + 1] = high;
  }
  return out;
}

function splitMasks(batch: RecordBatch, column: string): Record<keyof typeof MASKS, Uint8Array> {
  const { codes, dictionary } = dictionaryCodes(batch, column);
  const masks = {
    train: new Uint8Array(codes.length),
    validation: new Uint8Array(codes.length),
    test: new Uint8Array(codes.length),
  };
  const target = dictionary.map((name) => {
    if (!(name in masks)) throw new InputError(`edges.arrow: unknown split "${name}"`);
    return masks[name as keyof typeof MASKS];
  });
  for (let i = 0; i < codes.length; i++) target[codes[i]!]![i] = 1;
  return masks;
}
