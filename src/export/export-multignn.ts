import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { AbortedError, InputError } from '../errors.js';
import type { Manifest } from '../output/manifest.js';
import { outputBatches } from '../read-outputs.js';
import {
  deriveAmountTexts,
  readAmountTexts,
  type AmountTexts,
  type EdgeAmounts,
} from './amount-text.js';
import { AtomicFile, commitAfter, type KeptFiles } from './atomic-file.js';
import { f64, i32, i64AsNumbers, i8 } from './batch-columns.js';
import { edgeRoleColumns } from './roles.js';

/** Where the Multi-GNN export takes raw amounts from. */
export type AmountSource = 'source' | 'derived';

export interface MultiGnnOptions {
  /** The transactions CSV the run read. Default: the path recorded in manifest.json. */
  transactions?: string | null;
  /** Default 'source': read the amounts from the transactions CSV, checked row by row. */
  amounts?: AmountSource | null;
}

export const MULTIGNN_HEADER =
  'EdgeID,from_id,to_id,Timestamp,Amount Sent,Sent Currency,' +
  'Amount Received,Received Currency,Payment Format,Is Laundering';

/** Edge features (by name, SPEC §5) that carry the Multi-GNN codes and amounts. */
const FEATURES = {
  sentCurrency: 'currency',
  receivedCurrency: 'received_currency',
  format: 'format',
  paidLog: 'amount_paid_log',
  receivedLog: 'amount_received_log',
  ratio: 'amount_ratio',
} as const;

interface Edges extends EdgeAmounts {
  src: Int32Array;
  dst: Int32Array;
  ts: Float64Array;
  sentCurrency: Float64Array;
  receivedCurrency: Float64Array;
  format: Float64Array;
}

/**
 * `export --format multignn`: `formatted_transactions.csv` as IBM Multi-GNN's
 * format_kaggle_files.py writes it and its data_loading.py reads it.
 *
 * - EdgeID: edge_id, the 0-based data row of the transactions file (the formatter's `i`).
 * - from_id, to_id: amlprep node ids (nodes.arrow `node_id`).
 * - Timestamp: whole seconds since the earliest transaction in the data. The formatter counts
 *   from 10 s before local midnight of the first row's day instead; data_loading.py subtracts
 *   the minimum before use, so the model sees the same values either way.
 * - Amount Sent / Amount Received: Amount Paid / Amount Received exactly as written in the
 *   input (the formatter prints them with six decimals; both read back as the same number).
 * - Sent Currency, Received Currency, Payment Format: codes of amlprep's dictionaries
 *   (manifest.json `dictionaries.currency` and `dictionaries.format`), not the formatter's
 *   first-appearance codes.
 * - Rows sorted by Timestamp, ties in file order, as the formatter's final sort leaves them.
 */
export async function exportMultiGnn(
  dir: string,
  manifest: Manifest,
  out: string,
  options: MultiGnnOptions = {},
  keep?: KeptFiles,
  signal: AbortSignal | null = null,
): Promise<{ files: string[]; notes: string[] }> {
  const edges = await readEdges(dir, manifest, signal);
  const notes: string[] = [];
  const amounts = amountTexts(dir, manifest, edges, options, notes);
  const order = timeOrder(edges.ts, edges.ids);
  const first = edges.ts.length === 0 ? 0 : edges.ts[order[0]!]!;

  const csv = new AtomicFile(join(out, 'formatted_transactions.csv'), keep);
  const info = new AtomicFile(join(out, 'formatted_transactions.json'), keep);
  await commitAfter([csv, info], async () => {
    csv.write(`${MULTIGNN_HEADER}\n`);
    const lines: string[] = [];
    for (const k of order) {
      lines.push(
        `${edges.ids[k]},${edges.src[k]},${edges.dst[k]},${edges.ts[k]! - first},` +
          `${amounts.paid[k]},${edges.sentCurrency[k]},${amounts.received[k]},` +
          `${edges.receivedCurrency[k]},${edges.format[k]},${edges.label[k]}`,
      );
      if (lines.length < 65_536) continue;
      csv.write(`${lines.splice(0).join('\n')}\n`);
      // Seconds of formatting at millions of rows: let a SIGINT/SIGTERM handler run, so a
      // stop leaves no file instead of waiting for the whole export.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted === true) throw AbortedError.of(signal, 'export');
    }
    if (lines.length > 0) csv.write(`${lines.join('\n')}\n`);
    info.write(`${JSON.stringify(describe(manifest, first, options, notes), null, 2)}\n`);
  });
  return { files: [csv.path, info.path], notes };
}

async function readEdges(
  dir: string,
  manifest: Manifest,
  signal: AbortSignal | null,
): Promise<Edges> {
  for (const name of Object.values(FEATURES)) {
    if (!manifest.features.edge.some((f) => f.name === name)) {
      throw new InputError(`manifest.json: no edge feature "${name}"`);
    }
  }
  const roles = edgeRoleColumns(manifest);
  const e = manifest.files.edges.rows;
  const edges: Edges = {
    ids: new Float64Array(e),
    src: new Int32Array(e),
    dst: new Int32Array(e),
    ts: new Float64Array(e),
    label: new Int8Array(e),
    sentCurrency: new Float64Array(e),
    receivedCurrency: new Float64Array(e),
    format: new Float64Array(e),
    paidLog: new Float64Array(e),
    receivedLog: new Float64Array(e),
    ratio: new Float64Array(e),
  };
  let row = 0;
  for await (const batch of outputBatches(dir, manifest, 'edges', { verify: true, signal })) {
    edges.ids.set(i64AsNumbers(batch, roles.id), row);
    edges.src.set(i32(batch, roles.src), row);
    edges.dst.set(i32(batch, roles.dst), row);
    edges.ts.set(i64AsNumbers(batch, timestampColumn(manifest)), row);
    edges.label.set(i8(batch, roles.label), row);
    for (const [key, name] of Object.entries(FEATURES)) {
      edges[key as keyof typeof FEATURES].set(f64(batch, name), row);
    }
    row += batch.numRows;
  }
  return edges;
}

function timestampColumn(manifest: Manifest): string {
  const ts = manifest.columns.edges.find((c) => c.type.startsWith('timestamp[s'));
  if (ts === undefined) {
    throw new InputError('manifest.json: edges.arrow has no timestamp[s] column');
  }
  return ts.name;
}

/**
 * The transactions file the raw amounts are read from, when they are: the one named, else the
 * one the manifest records. A data folder moved with its default output folder
 * (`checkpoints_all` beside the input) leaves the recorded path dangling; the file of that
 * name beside the run folder is then read, with a note. Its rows are checked against the run
 * either way, so another file of that name is refused as any other file is.
 */
function sourcePath(
  dir: string,
  manifest: Manifest,
  options: MultiGnnOptions,
  notes: string[],
): string | undefined {
  const recorded = options.transactions ?? manifest.inputs?.transactions?.path;
  if (options.transactions != null || recorded === undefined || existsSync(recorded)) {
    return recorded;
  }
  const beside = join(dirname(resolve(dir)), basename(recorded));
  if (beside === resolve(recorded) || !existsSync(beside)) return recorded;
  notes.push(`${recorded}, recorded in manifest.json, is gone: read ${beside} beside the run`);
  return beside;
}

function amountTexts(
  dir: string,
  manifest: Manifest,
  edges: Edges,
  options: MultiGnnOptions,
  notes: string[],
): AmountTexts {
  if (options.amounts === 'derived') {
    const derived = deriveAmountTexts(edges);
    notes.push(
      'amounts rebuilt from amount_paid_log and amount_received_log ' +
        `(${derived.unverified} rows where they do not also reproduce amount_ratio)`,
    );
    return derived;
  }
  const path = sourcePath(dir, manifest, options, notes);
  if (path === undefined) {
    throw new InputError(
      'manifest.json records no transactions file; give the file the run read as ' +
        "options.transactions (or options.amounts 'derived')",
    );
  }
  try {
    const texts = readAmountTexts(path, edges);
    notes.push(`amounts read from ${path}`);
    return texts;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      `${error.message}. Raw amounts are not in edges.arrow: give the file the run read ` +
        "as options.transactions, or options.amounts 'derived' to rebuild them from " +
        'amount_paid_log',
      error,
    );
  }
}

/**
 * Edge positions sorted by (timestamp, edge_id). Edge ids ascend in edges.arrow, so the order
 * is the position order when timestamps never decrease; otherwise one numeric sort on
 * `seconds-since-first × E + position` when that stays exact, else a comparator sort.
 */
export function timeOrder(ts: Float64Array, ids: Float64Array): Uint32Array {
  const e = ts.length;
  const order = new Uint32Array(e);
  for (let k = 0; k < e; k++) order[k] = k;
  let sorted = true;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < e; k++) {
    if (k > 0 && ts[k]! < ts[k - 1]!) sorted = false;
    min = Math.min(min, ts[k]!);
    max = Math.max(max, ts[k]!);
  }
  if (sorted) return order;
  if ((max - min + 1) * e < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(e);
    for (let k = 0; k < e; k++) keys[k] = (ts[k]! - min) * e + k;
    keys.sort();
    for (let k = 0; k < e; k++) order[k] = keys[k]! % e;
    return order;
  }
  return order.sort((a, b) => ts[a]! - ts[b]! || ids[a]! - ids[b]!);
}

function describe(manifest: Manifest, first: number, options: MultiGnnOptions, notes: string[]) {
  return {
    format: 'IBM Multi-GNN formatted_transactions.csv',
    timestampOrigin: new Date(first * 1000).toISOString(),
    timestampUnit: 'seconds',
    amounts: options.amounts ?? 'source',
    notes,
    currency: manifest.dictionaries.currency ?? [],
    paymentFormat: manifest.dictionaries.format ?? [],
  };
}
