// An independent, deliberately simple reading of SPEC.md: whole files in memory, row
// objects, no chunks, no workers. It is slow on purpose so that each step can be checked
// by eye against the SPEC section named beside it.
import {
  EDGE_FEATURES,
  EDGE_COLUMNS,
  NODE_COLUMNS,
  NODE_SCALED,
  EDGE_SCALED,
  modelColumn,
  TRAIN_COLUMNS,
} from './names.js';
import { edgeFeatures, type Dictionaries } from './edge-features.js';
import { assignIds, dictionary } from './identity.js';
import { nodeFeatures } from './node-features.js';
import { parseAccounts, parseTransactions, type Transaction } from './parse.js';
import { parsePatterns, typologyFor } from './patterns.js';
import { resample, type Imbalance } from './resample.js';
import { addZScores, type ColumnStats } from './scale.js';
import { temporalSplit } from './split.js';
import type { Row, Table } from './table.js';
import { classWeights, type ClassWeights } from './weights.js';

export interface ReferenceInput {
  readonly transactions: string;
  readonly accounts?: string;
  readonly patterns?: string;
}

export interface ReferenceOptions {
  /** Keep the first N data rows. Default: all. */
  readonly sample?: number;
  /** Train / validation / test shares. Default [0.6, 0.2, 0.2]. */
  readonly split?: readonly [number, number, number];
  /** Default 'smote'. */
  readonly imbalance?: Imbalance;
  /** Default 1. */
  readonly smoteRatio?: number;
  /** Default 42. */
  readonly seed?: number;
}

/** Steps data_loaded … normalized: everything that exists before resampling. */
export interface ReferencePrepared {
  readonly nodes: Table;
  readonly edges: Table;
  readonly scaler: {
    readonly nodes: Record<string, ColumnStats>;
    readonly edges: Record<string, ColumnStats>;
  };
  readonly splitCuts: readonly [number, number];
  readonly dictionaries: Dictionaries & { readonly entityType: readonly string[] };
}

export interface ReferenceOutput extends ReferencePrepared {
  readonly trainResampled: Table;
  readonly classWeights: ClassWeights;
}

/** §2, §12: one global dictionary per column, over the loaded (sampled) rows. */
function buildDictionaries(txs: readonly Transaction[], entityTypes: readonly string[]) {
  return {
    currency: dictionary(txs.flatMap((t) => [t.paymentCurrency, t.receivingCurrency])),
    format: dictionary(txs.map((t) => t.paymentFormat)),
    bank: dictionary(txs.map((t) => t.fromBank)),
    entityType: dictionary(entityTypes),
  };
}

/** Steps 1–4 (§3): features, split and z-scores; never fails for want of a class. */
export function prepareReference(
  input: ReferenceInput,
  options: ReferenceOptions = {},
): ReferencePrepared {
  // data_loaded (§1–2)
  const txs = parseTransactions(input.transactions, options.sample);
  const accounts = input.accounts === undefined ? [] : parseAccounts(input.accounts);
  const patterns = parsePatterns(input.patterns ?? '');
  const identity = assignIds(txs, accounts);
  const dicts = buildDictionaries(
    txs,
    accounts.flatMap((a) => a.entityType ?? []),
  );

  // node_features (§4), scaled over all nodes (§6)
  const nodes = nodeFeatures(txs, identity, dicts.entityType);
  const nodeStats = addZScores(nodes, NODE_SCALED, () => true);

  // edge_features (§5) with labels and typologies
  const split = temporalSplit(txs, options.split ?? [0.6, 0.2, 0.2]);
  const edges: Row[] = edgeFeatures(txs, identity, dicts).map((features, i) => {
    const t = txs[i] as Transaction;
    const [src, dst] = identity.ends[i] as readonly [number, number];
    return {
      edge_id: i,
      src,
      dst,
      timestamp: t.timestamp,
      y: t.isLaundering,
      typology: typologyFor(t, patterns),
      split: split.names[i] as string,
      ...features,
    };
  });

  // normalized (§6): edge statistics from the train split only
  const edgeStats = addZScores(edges, EDGE_SCALED, (i) => split.names[i] === 'train');

  return {
    nodes: { columns: NODE_COLUMNS, rows: nodes },
    edges: { columns: EDGE_COLUMNS, rows: edges },
    scaler: { nodes: nodeStats, edges: edgeStats },
    splitCuts: [split.i, split.j],
    dictionaries: dicts,
  };
}

/** All seven steps (§3); throws when the train split lacks a class (§8). */
export function runReference(
  input: ReferenceInput,
  options: ReferenceOptions = {},
): ReferenceOutput {
  const prepared = prepareReference(input, options);

  // imbalanced (§7) and weights (§8), on the train rows in edge order
  const train = prepared.edges.rows.filter((e) => e['split'] === 'train').map(toModelRow);
  const resampled = resample(train, {
    imbalance: options.imbalance ?? 'smote',
    ratio: options.smoteRatio ?? 1,
    seed: options.seed ?? 42,
  });
  const weights = classWeights(train.map((r) => r['y'] as number));

  return {
    ...prepared,
    trainResampled: { columns: TRAIN_COLUMNS, rows: resampled },
    classWeights: weights,
  };
}

/** The 20 model inputs (`_z` where scaled) plus y. */
function toModelRow(edge: Row): Row {
  const row: Row = {};
  for (const f of EDGE_FEATURES) row[modelColumn(f)] = edge[modelColumn(f)] as number;
  row['y'] = edge['y'] as number;
  return row;
}
