// The reference's output shape: plain row objects keyed by the SPEC's column names.

export type Cell = number | string;
export type Row = Record<string, Cell>;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: Row[];
}

/** A numeric cell; throws if the column is missing or textual, which is a reference bug. */
export function num(row: Row, column: string): number {
  const v = row[column];
  if (typeof v !== 'number') throw new Error(`column ${column} is not numeric: ${String(v)}`);
  return v;
}

export function column(table: Table, name: string): Cell[] {
  return table.rows.map((r) => {
    const v = r[name];
    if (v === undefined) throw new Error(`no column ${name}`);
    return v;
  });
}
