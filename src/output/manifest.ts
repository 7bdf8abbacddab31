import {
  EDGE_FEATURES,
  isScaled,
  NODE_FEATURES,
  type FeatureDef,
} from '../features/definitions.js';
import { MODEL_COLUMNS } from '../features/model-input.js';
import type { FileFingerprint } from '../checkpoint/fingerprint.js';
import type { StepOutcome } from '../pipeline/context.js';
import type { ScalerStats } from '../pipeline/normalized.js';
import type { WrittenFile } from './arrow-file.js';
import type { OutputName } from './outputs.js';

/** The run summary kept in the manifest and in the `graph_created` record. */
export interface RunSummary {
  nodes: number;
  edges: number;
  rejectedRows: number;
  nodeFeatures: number;
  edgeFeatures: number;
  /** Rows per split and class: splits[split][label]. */
  splits: Record<'train' | 'validation' | 'test', [number, number]>;
  resampled: { rows: number; synthetic: number; minorityLabel: number; k: number };
  classWeights: { '0': number; '1': number };
  multiplier: number;
  typologyCounts: Record<string, number>;
}

export interface Manifest {
  amlprep: string;
  createdAt: string;
  files: Record<OutputName, { file: string; rows: number; bytes: number; sha256: string }>;
  columns: Record<OutputName, ColumnInfo[]>;
  features: { node: FeatureInfo[]; edge: FeatureInfo[] };
  scaler: { node: ScalerStats; edge: ScalerStats };
  split: { shares: readonly string[]; cutDays: [number, number]; days: number; firstDay: string };
  classWeights: { '0': number; '1': number };
  summary: RunSummary;
  dictionaries: Record<string, string[]>;
  typologies: string[];
  options: Record<string, unknown>;
  inputs: Record<string, FileFingerprint | null>;
  load: unknown;
  steps: StepOutcome[];
}

export interface FeatureInfo {
  index: number;
  name: string;
  role: string;
  scaled: boolean;
  normalized: string | null;
  definition: string;
}

export interface ColumnInfo {
  name: string;
  type: string;
  role: string;
}

export function featureInfo(defs: readonly FeatureDef[]): FeatureInfo[] {
  return defs.map((d, i) => ({
    index: i + 1,
    name: d.name,
    role: d.role,
    scaled: isScaled(d),
    normalized: isScaled(d) ? `${d.name}_z` : null,
    definition: d.definition,
  }));
}

/** Column names, Arrow types and roles of each output file, in file order. */
export function columnInfo(): Record<OutputName, ColumnInfo[]> {
  const features = (defs: readonly FeatureDef[]): ColumnInfo[] => [
    ...defs.map((d) => ({ name: d.name, type: 'float64', role: `feature:${d.role}` })),
    ...defs
      .filter(isScaled)
      .map((d) => ({ name: `${d.name}_z`, type: 'float64', role: 'feature:normalized' })),
  ];
  return {
    nodes: [
      { name: 'node_id', type: 'int32', role: 'id' },
      { name: 'bank', type: 'utf8', role: 'attribute' },
      { name: 'account', type: 'utf8', role: 'attribute' },
      ...features(NODE_FEATURES),
    ],
    edges: [
      { name: 'edge_id', type: 'int64', role: 'id' },
      { name: 'src', type: 'int32', role: 'source node_id' },
      { name: 'dst', type: 'int32', role: 'target node_id' },
      { name: 'timestamp', type: 'timestamp[s, UTC]', role: 'attribute' },
      { name: 'y', type: 'int8', role: 'label' },
      { name: 'typology', type: 'dictionary<int32, utf8>', role: 'attribute' },
      { name: 'split', type: 'dictionary<int32, utf8>', role: 'split' },
      ...features(EDGE_FEATURES),
    ],
    trainResampled: [
      ...MODEL_COLUMNS.map((name, j) => ({
        name,
        type: 'float64',
        role: isScaled(EDGE_FEATURES[j]!)
          ? 'feature:normalized'
          : `feature:${EDGE_FEATURES[j]!.role}`,
      })),
      { name: 'y', type: 'int8', role: 'label' },
    ],
  };
}

export function fileEntries(
  files: Record<OutputName, WrittenFile>,
  rows: Record<OutputName, number>,
): Manifest['files'] {
  const entry = (name: OutputName) => ({
    file: files[name].path.split('/').pop() as string,
    rows: rows[name],
    bytes: files[name].bytes,
    sha256: files[name].sha256,
  });
  return { nodes: entry('nodes'), edges: entry('edges'), trainResampled: entry('trainResampled') };
}
