// The comparison helpers themselves: they must see every kind of disagreement.
import {
  Float32,
  Float64,
  Int32,
  Int64,
  Table as ArrowTable,
  TimestampSecond,
  Utf8,
  Dictionary,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { compareTable, sameCell, type Kind } from './reference/compare.js';
import type { Table } from './reference/table.js';

/** Round-trips through the IPC file format, as the engine's files are read. */
function ipc(table: ArrowTable): ArrowTable {
  return tableFromIPC(tableToIPC(table, 'file'));
}

const reference: Table = {
  columns: ['edge_id', 'timestamp', 'split', 'amount_ratio', 'in_port'],
  rows: [
    { edge_id: 0, timestamp: 1661990400, split: 'train', amount_ratio: 0.1, in_port: 0 },
    { edge_id: 1, timestamp: 1661990460, split: 'test', amount_ratio: 2, in_port: 1 },
  ],
};
const kinds: Kind[] = ['int64', 'seconds', 'dict', 'float', 'exact'];

function engineTable(
  ratio: number[],
  port: number[],
  ratioType: Float32 | Float64 = new Float64(),
): ArrowTable {
  return ipc(
    new ArrowTable({
      edge_id: vectorFromArray([0n, 1n], new Int64()),
      // apache-arrow takes Timestamp<SECOND> input as epoch milliseconds.
      timestamp: vectorFromArray([1661990400_000, 1661990460_000], new TimestampSecond()),
      split: vectorFromArray(['train', 'test'], new Dictionary(new Utf8(), new Int32())),
      amount_ratio: vectorFromArray(ratio, ratioType),
      in_port: vectorFromArray(port, new Float64()),
    }),
  );
}

describe('comparing a table', () => {
  it('accepts equal tables and float noise below 1e-9', () => {
    const engine = engineTable([0.1 + 1e-12, 2 * (1 + 1e-12)], [0, 1]);
    expect(compareTable('edges', engine, reference, kinds)).toEqual([]);
  });

  it('names the column, the first row and the count of a disagreement', () => {
    const engine = engineTable([0.1, 2.001], [1, 2]);
    expect(compareTable('edges', engine, reference, kinds)).toEqual([
      'edges.amount_ratio: first mismatch at row 1: engine 2.001, reference 2 (1 rows differ)',
      'edges.in_port: first mismatch at row 0: engine 1, reference 0 (2 rows differ)',
    ]);
  });

  it('compares exact columns exactly', () => {
    expect(sameCell(1 + 1e-12, 1, 'exact')).toBe(false);
    expect(sameCell(1 + 1e-12, 1, 'float')).toBe(true);
    expect(sameCell(1e-17, 0, 'float')).toBe(true);
  });

  it('reports a wrong storage type and missing columns', () => {
    const engine = engineTable([0.1, 2], [0, 1], new Float32());
    const problems = compareTable('edges', engine, reference, kinds);
    expect(problems[0]).toMatch(/^edges.amount_ratio: type Float32, expected float/);

    const fewer = ipc(new ArrowTable({ edge_id: vectorFromArray([0n, 1n], new Int64()) }));
    expect(compareTable('edges', fewer, reference, kinds)[0]).toMatch(/^edges: columns are/);
  });
});
