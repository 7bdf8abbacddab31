import type { Manifest } from '../../src/index.js';

/**
 * Gives edges.arrow `rows` rows in a manifest, its summary edited alike (the edges count and
 * the test split's class-0 count take the difference: the train split's would change the
 * class weights), so that the manifest agrees with
 * itself and a reader goes on to compare it with the file.
 */
export function withEdgeRows(manifest: Manifest, rows: number): Manifest {
  const edited = structuredClone(manifest);
  const more = rows - edited.files.edges.rows;
  edited.files.edges.rows = rows;
  edited.summary.edges = rows;
  edited.summary.splits.test[0] += more;
  return edited;
}
