// Column names of the three output tables, in SPEC order (§4, §5, §9).

/** Node features 1–21 (SPEC §4). */
export const NODE_FEATURES = [
  'transaction_count',
  'total_sent',
  'total_received',
  'avg_amount',
  'max_amount',
  'min_amount',
  'temporal_span',
  'transaction_frequency',
  'currency_diversity',
  'bank_diversity',
  'night_ratio',
  'weekend_ratio',
  'uses_crypto',
  'is_international',
  'is_high_frequency',
  'out_degree',
  'in_degree',
  'unique_out_counterparties',
  'unique_in_counterparties',
  'self_transfer_count',
  'entity_type',
] as const;

/** Edge features 1–20 (SPEC §5). */
export const EDGE_FEATURES = [
  'hour_sin',
  'hour_cos',
  'day_sin',
  'day_cos',
  'month_sin',
  'month_cos',
  'amount_paid_log',
  'amount_received_log',
  'amount_ratio',
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
] as const;

export type NodeFeature = (typeof NODE_FEATURES)[number];
export type EdgeFeature = (typeof EDGE_FEATURES)[number];

// Codes and 0/1 flags are not scaled (§6: node 13–15, 21; edge 10–15, 17–18).
const NODE_UNSCALED: readonly NodeFeature[] = [
  'uses_crypto',
  'is_international',
  'is_high_frequency',
  'entity_type',
];
const EDGE_UNSCALED: readonly EdgeFeature[] = [
  'currency',
  'format',
  'bank',
  'received_currency',
  'is_self_transfer',
  'is_cross_currency',
  'in_port',
  'out_port',
];

export const NODE_SCALED = NODE_FEATURES.filter((f) => !NODE_UNSCALED.includes(f));
export const EDGE_SCALED = EDGE_FEATURES.filter((f) => !EDGE_UNSCALED.includes(f));

export function isEdgeScaled(feature: EdgeFeature): boolean {
  return !EDGE_UNSCALED.includes(feature);
}

/** `<name>_z` for a scaled feature, the raw name otherwise: train_resampled's columns. */
export function modelColumn(feature: EdgeFeature): string {
  return isEdgeScaled(feature) ? `${feature}_z` : feature;
}

export const NODE_COLUMNS: readonly string[] = [
  'node_id',
  'bank',
  'account',
  ...NODE_FEATURES,
  ...NODE_SCALED.map((f) => `${f}_z`),
];
export const EDGE_COLUMNS: readonly string[] = [
  'edge_id',
  'src',
  'dst',
  'timestamp',
  'y',
  'typology',
  'split',
  ...EDGE_FEATURES,
  ...EDGE_SCALED.map((f) => `${f}_z`),
];
export const TRAIN_COLUMNS: readonly string[] = [...EDGE_FEATURES.map(modelColumn), 'y'];
