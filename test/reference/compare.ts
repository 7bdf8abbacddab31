// Reads the engine's Arrow outputs and lists every column that disagrees with the reference.
import { readFileSync } from 'node:fs';
import {
  DataType,
  Precision,
  TimeUnit,
  tableFromIPC,
  type Table as ArrowTable,
} from 'apache-arrow';
import { EDGE_FEATURES, modelColumn } from './names.js';
import type { Cell, Table } from './table.js';

/** How a column is stored and how its values are compared. */
export type Kind = 'int8' | 'int32' | 'int64' | 'utf8' | 'dict' | 'seconds' | 'exact' | 'float';

/** Relative tolerance for float columns; below magnitude 1 it acts as an absolute one. */
export const TOLERANCE = 1e-9;

// Float64 columns that hold counts, codes, flags or whole seconds: compared exactly.
const EXACT_NODE = new Set<string>([
  'transaction_count',
  'temporal_span',
  'currency_diversity',
  'bank_diversity',
  'uses_crypto',
  'is_international',
  'is_high_frequency',
  'out_degree',
  'in_degree',
  'unique_out_counterparties',
  'unique_in_counterparties',
  'self_transfer_count',
  'entity_type',
]);
const EXACT_EDGE = new Set<string>([
  'currency',
  'format',
  'bank',
  'received_currency',
  'is_self_transfer',
  'is_cross_currency',
  'time',
  'in_port',
  'out_port',
  'in_time_delta',
  'out_time_delta',
]);

const featureKind =
  (exact: Set<string>) =>
  (name: string): Kind =>
    exact.has(name) ? 'exact' : 'float';

export function nodeKinds(columns: readonly string[]): Kind[] {
  const fixed: Record<string, Kind> = { node_id: 'int32', bank: 'utf8', account: 'utf8' };
  return columns.map((c) => fixed[c] ?? featureKind(EXACT_NODE)(c));
}

export function edgeKinds(columns: readonly string[]): Kind[] {
  const fixed: Record<string, Kind> = {
    edge_id: 'int64',
    src: 'int32',
    dst: 'int32',
    timestamp: 'seconds',
    y: 'int8',
    typology: 'dict',
    split: 'dict',
  };
  return columns.map((c) => fixed[c] ?? featureKind(EXACT_EDGE)(c));
}

export function trainKinds(columns: readonly string[]): Kind[] {
  const unscaled = new Set<string>(EDGE_FEATURES.filter((f) => modelColumn(f) === f));
  return columns.map((c) => (c === 'y' ? 'int8' : unscaled.has(c) ? 'exact' : 'float'));
}

/** Does the Arrow type match the contract for this kind? */
function typeFits(type: DataType, kind: Kind): boolean {
  switch (kind) {
    case 'int8':
    case 'int32':
    case 'int64':
      return DataType.isInt(type) && type.isSigned && `int${type.bitWidth}` === kind;
    case 'utf8':
      return DataType.isUtf8(type);
    case 'dict':
      return DataType.isDictionary(type) && DataType.isUtf8(type.dictionary);
    case 'seconds':
      return DataType.isTimestamp(type) && type.unit === TimeUnit.SECOND;
    case 'exact':
    case 'float':
      return DataType.isFloat(type) && type.precision === Precision.DOUBLE;
  }
}

/** A cell as the reference spells it: bigint → number, timestamp ms → seconds. */
function readCell(value: unknown, kind: Kind): Cell | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  // apache-arrow hands out Timestamp<SECOND> cells as epoch milliseconds.
  if (kind === 'seconds' && typeof value === 'number') return value / 1000;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

export function sameCell(engine: Cell | null, reference: Cell, kind: Kind): boolean {
  if (kind !== 'float' || typeof engine !== 'number' || typeof reference !== 'number') {
    return engine === reference;
  }
  const scale = Math.max(1, Math.abs(engine), Math.abs(reference));
  return Math.abs(engine - reference) <= TOLERANCE * scale;
}

export function readArrow(path: string): ArrowTable {
  return tableFromIPC(readFileSync(path));
}

/**
 * Every disagreement between an engine table and the reference: missing or extra columns,
 * wrong order or types, row counts, and per column the first row whose value differs.
 */
export function compareTable(
  label: string,
  engine: ArrowTable,
  reference: Table,
  kinds: readonly Kind[],
): string[] {
  const problems: string[] = [];
  const names = engine.schema.fields.map((f) => f.name);
  if (names.join(',') !== reference.columns.join(',')) {
    problems.push(
      `${label}: columns are [${names.join(', ')}], ` +
        `expected [${reference.columns.join(', ')}]`,
    );
  }
  if (engine.numRows !== reference.rows.length) {
    problems.push(`${label}: ${engine.numRows} rows, expected ${reference.rows.length}`);
  }

  reference.columns.forEach((name, c) => {
    const kind = kinds[c] as Kind;
    const field = engine.schema.fields.find((f) => f.name === name);
    const vector = engine.getChild(name);
    if (field === undefined || vector === null) return; // already reported above
    if (!typeFits(field.type, kind)) {
      problems.push(`${label}.${name}: type ${String(field.type)}, expected ${kind}`);
    }
    const mismatch = firstMismatch(engine, reference, name, kind);
    if (mismatch !== null) problems.push(`${label}.${name}: ${mismatch}`);
  });
  return problems;
}

/** The first row where a column differs, and how many rows differ in all. */
function firstMismatch(
  engine: ArrowTable,
  reference: Table,
  name: string,
  kind: Kind,
): string | null {
  const vector = engine.getChild(name);
  if (vector === null) return null;
  let first = '';
  let count = 0;
  for (let r = 0; r < Math.min(engine.numRows, reference.rows.length); r += 1) {
    const expected = reference.rows[r]?.[name] as Cell;
    const actual = readCell(vector.get(r), kind);
    if (sameCell(actual, expected, kind)) continue;
    if (count === 0) {
      first = `row ${r}: engine ${JSON.stringify(actual)}, reference ${JSON.stringify(expected)}`;
    }
    count += 1;
  }
  return count === 0 ? null : `first mismatch at ${first} (${count} rows differ)`;
}
