import type { FolderIdentity } from '../checkpoint/folder-identity.js';
import type { CheckpointStore, StepRecord } from '../checkpoint/store.js';
import type { Emit } from '../events.js';
import type { Graph } from '../features/graph.js';
import type { Matrix } from '../features/tables.js';
import type { MemoryPlan } from '../memory/plan.js';
import type { EdgeFeatureStore } from '../spill/edge-store.js';
import type { Loaded } from '../ingest/loaded.js';
import type { ResolvedOptions, StepName } from '../options.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { InputIdentities } from './fingerprints.js';
import type { Resampled } from './resampled.js';
import type { Normalized } from './normalized.js';

/** Per-step outcome for the run result and the summary. */
export interface StepOutcome {
  step: StepName;
  /** 'loaded': whole step from its checkpoint; 'computed': at least one chunk computed. */
  how: 'loaded' | 'computed';
  seconds: number;
  chunksReused: number;
  chunksComputed: number;
  note?: string;
}

/**
 * Everything a step reads and writes during one run. Step results are kept here once
 * materialized (loaded from checkpoints or computed), so later steps use them directly.
 */
export interface Context {
  opts: ResolvedOptions;
  /** The output folder as the run made it: outputs are renamed into it only while it is. */
  folder: FolderIdentity;
  store: CheckpointStore;
  pool: WorkerPool;
  emit: Emit;
  signal: AbortSignal | undefined;
  /** Fingerprint of each step: its version, options and the previous step's fingerprint. */
  fingerprints: Record<StepName, string>;
  bases: Record<StepName, Record<string, unknown>>;
  /** The inputs as they were when fingerprinted, to tell a change during the run. */
  identities: InputIdentities;
  outcomes: StepOutcome[];
  records: Partial<Record<StepName, StepRecord>>;
  /** True when the store held step records at start (a rerun), so reuse decisions are noted. */
  resuming: boolean;
  /** Steps whose records --resume-from dropped at the start of this run. */
  dropped?: ReadonlySet<StepName>;
  loaded?: Loaded;
  /**
   * What `rejected_rows.csv` holds (its SHA-256, or NO_REJECTS) once this run's data_loaded
   * wrote it; unset when data_loaded came from its checkpoint.
   */
  rejectedRows?: string;
  graph?: Promise<Graph>;
  nodeMatrix?: Matrix;
  /** The raw edge matrix, in memory or spilled to a file (see `memory`). */
  edgeFeatures?: EdgeFeatureStore;
  /**
   * The in-memory edge matrix when `node_features` made it early: its first columns hold
   * that step's edge records until `edge_features` overwrites every cell.
   */
  edgeMatrix?: Matrix;
  /** Rows per block of a spill file (SPILL_BLOCK_ROWS; tests choose fewer). */
  spillBlockRows: number;
  /** The block buffer of a streamed run's spill, shared by its writing and reading back. */
  spillBuffer?: SharedArrayBuffer;
  /** The memory budget, the footprint estimate and the mode chosen from them. */
  memory?: MemoryPlan;
  normalized?: Normalized;
  resampled?: Resampled;
  weights?: { weights: [number, number]; multiplier: number };
}
