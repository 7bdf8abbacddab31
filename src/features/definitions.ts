/**
 * The feature tables of SPEC §4 and §5, in order. Column index = position here, so kernels,
 * the scaler, the Arrow writer, the manifest and the README all read the same list.
 */
export type FeatureRole = 'continuous' | 'flag' | 'categorical';

export interface FeatureDef {
  readonly name: string;
  readonly role: FeatureRole;
  /** SPEC wording, repeated in the README table. */
  readonly definition: string;
}

function def<const Name extends string>(name: Name, role: FeatureRole, definition: string) {
  return Object.freeze({ name, role, definition } as const);
}
const c = <const Name extends string>(name: Name, d: string) => def(name, 'continuous', d);
const f = <const Name extends string>(name: Name, d: string) => def(name, 'flag', d);
const k = <const Name extends string>(name: Name, d: string) => def(name, 'categorical', d);

export const NODE_FEATURES = Object.freeze([
  c('transaction_count', 'transactions as sender or receiver (a self-transfer counts once)'),
  c('total_sent', 'sum of Amount Paid where sender'),
  c('total_received', 'sum of Amount Received where receiver'),
  c('avg_amount', 'mean of Amount Paid over its transactions'),
  c('max_amount', 'max of Amount Paid over its transactions'),
  c('min_amount', 'min of Amount Paid over its transactions'),
  c('temporal_span', 'whole days (floor) between first and last transaction'),
  c('transaction_frequency', 'transaction_count / max(1, temporal_span)'),
  c('currency_diversity', 'distinct Payment Currency values over its transactions'),
  c('bank_diversity', 'distinct To Bank values over its transactions'),
  c('night_ratio', 'share with UTC hour 22-23 or 0-6'),
  c('weekend_ratio', 'share on Saturday or Sunday'),
  f('uses_crypto', '1 if any transaction pays or receives Bitcoin'),
  f('is_international', '1 if currency_diversity > 1'),
  f('is_high_frequency', '1 if transaction_frequency > 1'),
  c('out_degree', 'transactions sent'),
  c('in_degree', 'transactions received'),
  c('unique_out_counterparties', 'distinct receivers of its sent transactions'),
  c('unique_in_counterparties', 'distinct senders of its received transactions'),
  c('self_transfer_count', 'transactions with itself'),
  k('entity_type', 'code of its entity type; -1 when unknown'),
] as const satisfies readonly FeatureDef[]);

export const EDGE_FEATURES = Object.freeze([
  c('hour_sin', 'sin(2π·hour/24)'),
  c('hour_cos', 'cos(2π·hour/24)'),
  c('day_sin', 'sin(2π·weekday/7), Monday = 0'),
  c('day_cos', 'cos(2π·weekday/7), Monday = 0'),
  c('month_sin', 'sin(2π·month/12), month 1-12'),
  c('month_cos', 'cos(2π·month/12), month 1-12'),
  c('amount_paid_log', 'ln(1 + Amount Paid)'),
  c('amount_received_log', 'ln(1 + Amount Received)'),
  c('amount_ratio', 'Amount Paid / max(Amount Received, 1)'),
  k('currency', 'code of Payment Currency'),
  k('format', 'code of Payment Format'),
  k('bank', 'code of From Bank'),
  k('received_currency', 'code of Receiving Currency'),
  f('is_self_transfer', '1 if sender = receiver'),
  f('is_cross_currency', '1 if Payment ≠ Receiving Currency'),
  c('time', 'seconds since 00:00 UTC of the earliest day in the data'),
  k('in_port', "rank of this sender among the receiver's distinct senders"),
  k('out_port', "rank of this receiver among the sender's distinct receivers"),
  c('in_time_delta', "seconds since the receiver's previous received transaction"),
  c('out_time_delta', "seconds since the sender's previous sent transaction"),
] as const satisfies readonly FeatureDef[]);

export const NODE_FEATURE_COUNT = NODE_FEATURES.length;
export const EDGE_FEATURE_COUNT = EDGE_FEATURES.length;

/** Column indices, named so kernels never write a bare number (SPEC § numbering − 1). */
export const N = Object.freeze(indexByName(NODE_FEATURES));
export const E = Object.freeze(indexByName(EDGE_FEATURES));

export function isScaled(def: FeatureDef): boolean {
  return def.role === 'continuous';
}

/** Indices of the columns the scaler touches; the rest pass through unchanged. */
export function scaledIndices(defs: readonly FeatureDef[]): number[] {
  return defs.flatMap((def, i) => (isScaled(def) ? [i] : []));
}

type IndexOf<T extends readonly FeatureDef[]> = { readonly [K in T[number]['name']]: number };

function indexByName<T extends readonly FeatureDef[]>(defs: T): IndexOf<T> {
  return Object.fromEntries(defs.map((d, i) => [d.name, i])) as IndexOf<T>;
}
