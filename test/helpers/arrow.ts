import { readFileSync } from 'node:fs';

import { tableFromIPC, type Table } from 'apache-arrow';

export function readArrow(path: string): Table {
  return tableFromIPC(readFileSync(path));
}

/** One column of an Arrow table as plain JS values, in row order. */
export function columnValues(table: Table, name: string): unknown[] {
  const column = table.getChild(name);
  if (column === null) throw new Error(`no column ${name} in [${table.schema.names.join(', ')}]`);
  return [...column];
}
