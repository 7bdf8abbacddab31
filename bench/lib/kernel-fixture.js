// @ts-check
/**
 * Inputs for the feature kernels built from a real parse of a generated file, so degree
 * skew, timestamp order and currency mix are the generator's rather than uniform noise.
 * One whole-file parse gives chunk-local ids, which are valid global ids for one chunk.
 */
import { buildCsr, sortLists } from '../../dist/src/features/graph.js';
import { parseChunk } from '../../dist/src/ingest/parse-chunk.js';

/** @typedef {import('../../dist/src/features/tables.js').EdgeColumns} EdgeColumns */
/** @typedef {import('../../dist/src/features/tables.js').NodeColumns} NodeColumns */
/** @typedef {import('../../dist/src/features/tables.js').Vocabulary} Vocabulary */
/** @typedef {import('../../dist/src/features/graph.js').Graph} Graph */
/** @typedef {import('../../dist/src/ingest/scan.js').ChunkSpan} ChunkSpan */

const SECONDS_PER_DAY = 86_400;
const COMMA = 0x2c;

/**
 * @typedef {object} KernelFixture
 * @property {EdgeColumns} edges
 * @property {NodeColumns} nodes
 * @property {Vocabulary} vocab
 * @property {number} originTs
 */

/**
 * @param {string} path
 * @param {ChunkSpan} span  the whole file as one span
 * @returns {KernelFixture}
 */
export function kernelFixture(path, span) {
  const c = parseChunk(path, span, true);
  const bad = c.rejects[0];
  if (bad !== undefined) throw new Error(`bench: ${path}:${bad.line}: bad row: ${bad.reason}`);

  const banks = accountBanks(c.accountKeys, c.accountOffsets);
  const nodeCount = banks.length;

  // Bank spellings get ids in first-seen order, as the engine's merge gives them.
  /** @type {Map<string, number>} */
  const bankIds = new Map();
  const bankText = new Int32Array(new SharedArrayBuffer(Math.max(1, nodeCount) * 4));
  banks.forEach((bank, v) => {
    if (!bankIds.has(bank)) bankIds.set(bank, bankIds.size);
    bankText[v] = bankIds.get(bank) ?? 0;
  });
  const fromBank = new Int32Array(new SharedArrayBuffer(Math.max(1, c.rows) * 4));
  for (let r = 0; r < c.rows; r++) fromBank[r] = bankText[c.src[r] ?? 0] ?? 0;

  let minTs = Infinity;
  for (let r = 0; r < c.rows; r++) minTs = Math.min(minTs, c.ts[r] ?? Infinity);
  const entityType = new Int32Array(new SharedArrayBuffer(Math.max(1, nodeCount) * 4)).fill(-1);
  return {
    edges: {
      rows: c.rows,
      ts: c.ts,
      amountReceived: c.amountReceived,
      amountPaid: c.amountPaid,
      src: c.src,
      dst: c.dst,
      paymentCurrency: c.paymentCurrency,
      receivingCurrency: c.receivingCurrency,
      format: c.format,
      bank: fromBank,
      label: c.label,
    },
    nodes: { count: nodeCount, bankText, entityType },
    vocab: {
      currencies: c.currencies.length,
      bankTexts: bankIds.size,
      bitcoin: c.currencies.indexOf('Bitcoin'),
    },
    originTs: Math.floor(minTs / SECONDS_PER_DAY) * SECONDS_PER_DAY,
  };
}

/**
 * The bank part of each chunk-local `bank,account` key.
 * @param {Uint8Array} keys
 * @param {Int32Array} offsets  key i is keys[offsets[i] .. offsets[i + 1])
 */
function accountBanks(keys, offsets) {
  const text = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
  /** @type {string[]} */
  const banks = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    const start = offsets[i] ?? 0;
    const comma = text.indexOf(COMMA, start);
    banks.push(text.toString('latin1', start, comma));
  }
  return banks;
}

/**
 * The sorted adjacency, built the engine's way (counting sort, then per-node time order).
 * @param {EdgeColumns} e
 * @param {number} nodes
 * @returns {Graph}
 */
export function buildGraph(e, nodes) {
  const graph = { nodes, out: buildCsr(e.src, e.rows, nodes), in: buildCsr(e.dst, e.rows, nodes) };
  sortLists(graph.out, e.ts, 0, nodes);
  sortLists(graph.in, e.ts, 0, nodes);
  return graph;
}
