import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * A copy of the finished run folder `from` at `to`, with one bit of edges.arrow flipped in the
 * middle of its first record batch's body: still readable as Arrow, but not the file
 * manifest.json hashed. Returns the changed file's path.
 */
export function copyWithFlippedEdges(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  const edges = join(to, 'edges.arrow');
  const bytes = readFileSync(edges);
  const mid = Math.floor(bytes.length / 2);
  bytes[mid] = bytes[mid]! ^ 0x01;
  writeFileSync(edges, bytes);
  return edges;
}
