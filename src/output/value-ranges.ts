import type { RecordBatch } from 'apache-arrow';

import type { Manifest } from './manifest.js';
import type { OutputName } from './outputs.js';

/**
 * A column whose values readers use as indexes: node ids into nodes.arrow, or codes into one
 * of the manifest's code tables. Each value must be a whole number from `min` to below `end`.
 */
interface RangedColumn {
  name: string;
  min: number;
  end: number;
  /** What the values should be, after "not": "one of the 26771 node ids". */
  what: string;
  /** Where a value out of range comes from, as said to the user. */
  why: string;
}

const NODE_ID_ROLES = ['source node_id', 'target node_id'];

/** The code columns amlprep writes, by name, and the table (`dictionaries.*`) each indexes. */
const CODE_TABLES: Record<string, string> = {
  entity_type: 'entity_type',
  currency: 'currency',
  received_currency: 'currency',
  format: 'format',
  bank: 'bank',
};

/** Codes of a node whose accounts row is unknown. */
const UNKNOWN_CODE: Record<string, number> = { entity_type: -1 };

/**
 * The columns of output `name` whose values index something, by the manifest's roles: the
 * src and dst of edges.arrow, and every code column of a file (edges.arrow's and
 * train_resampled.arrow's currency, format and bank, nodes.arrow's entity_type).
 */
export function rangedColumns(manifest: Manifest, name: OutputName): RangedColumn[] {
  const nodes = manifest.files.nodes.rows;
  const ranged: RangedColumn[] = [];
  for (const column of manifest.columns[name]) {
    if (NODE_ID_ROLES.includes(column.role)) {
      const what = `one of the ${nodes} node ids`;
      ranged.push({ name: column.name, min: 0, end: nodes, what, why: "not this run's file" });
    }
    const table = CODE_TABLES[column.name];
    if (column.role !== 'feature:categorical' || table === undefined) continue;
    const size = manifest.dictionaries[table]?.length ?? 0;
    const min = UNKNOWN_CODE[column.name] ?? 0;
    const codes = `one of the ${size} codes of dictionaries.${table}`;
    const what = min < 0 ? `${min} or ${codes}` : codes;
    const why = "not this run's file, or the code table was edited";
    ranged.push({ name: column.name, min, end: size, what, why });
  }
  return ranged;
}

/**
 * The first value of a batch's ranged columns that indexes nothing, as "row 8 has src 29999,
 * not one of the 26771 node ids" with the column's `why`, or null. An edges.arrow of
 * another run beside this run's manifest and nodes.arrow (its own size, rows and hash edited
 * in) was exported as an edge_index pointing past the end of x.npy (trial Q); a code table
 * cut short in the manifest (still sorted) left codes that no name stands for (trial U).
 */
export function rangeProblem(
  batch: RecordBatch,
  columns: readonly RangedColumn[],
  firstRow: number,
): { message: string; why: string } | null {
  for (const column of columns) {
    const values = batch.getChild(column.name)?.toArray() as ArrayLike<number> | undefined;
    if (values === undefined) continue;
    const { min, end } = column;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= min && v < end && Math.floor(v) === v) continue;
      const message = `row ${firstRow + i} has ${column.name} ${v}, not ${column.what}`;
      return { message, why: column.why };
    }
  }
  return null;
}
