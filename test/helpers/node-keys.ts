import type { NodeKeys } from '../../src/ingest/node-merger.js';

/** The merge's node keys decoded, in node id order: `bank,account` per node. */
export function keyTexts(nodes: NodeKeys): string[] {
  const out: string[] = [];
  for (let v = 0; v + 1 < nodes.offsets.length; v++) {
    const key = nodes.bytes.subarray(nodes.offsets[v], nodes.offsets[v + 1]);
    out.push(Buffer.from(key).toString('utf8'));
  }
  return out;
}
