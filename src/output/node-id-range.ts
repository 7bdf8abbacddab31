import type { RecordBatch } from 'apache-arrow';

import type { Manifest } from './manifest.js';
import type { OutputName } from './outputs.js';

/** The columns of a file that hold node ids, and how many nodes there are. */
export interface NodeIdColumns {
  names: string[];
  nodes: number;
}

const NODE_ID_ROLES = ['source node_id', 'target node_id'];

/**
 * The node-id columns of output `name` by the manifest's roles (edges.arrow's src and dst),
 * or null for a file without them.
 */
export function nodeIdColumns(manifest: Manifest, name: OutputName): NodeIdColumns | null {
  const names = manifest.columns[name]
    .filter((column) => NODE_ID_ROLES.includes(column.role))
    .map((column) => column.name);
  return names.length === 0 ? null : { names, nodes: manifest.files.nodes.rows };
}

/**
 * The first value of a batch's node-id columns that names no node, as "row 8 has src 29999,
 * not one of the 26771 node ids", or null. An edges.arrow of another run beside this run's
 * manifest and nodes.arrow (its own size, rows and hash edited in) was exported as an
 * edge_index pointing past the end of x.npy (trial Q).
 */
export function nodeIdProblem(
  batch: RecordBatch,
  columns: NodeIdColumns,
  firstRow: number,
): string | null {
  for (const name of columns.names) {
    const values = batch.getChild(name)?.toArray() as Int32Array | undefined;
    if (values === undefined) continue;
    for (let i = 0; i < values.length; i++) {
      const id = values[i]!;
      if (id >= 0 && id < columns.nodes) continue;
      return `row ${firstRow + i} has ${name} ${id}, not one of the ${columns.nodes} node ids`;
    }
  }
  return null;
}
