/**
 * amlprep library API. `run()` is the main job; `status()` and `clean()` manage an output
 * folder; `generate()` writes synthetic data in the AMLworld layout.
 */
export { run, type RunResult } from './run.js';
export { status, clean, type StepStatus } from './status.js';
export type { StepRecord } from './checkpoint/store.js';
export {
  DEFAULTS,
  STEPS,
  type Imbalance,
  type OnBadRow,
  type RunOptions,
  type StepName,
} from './options.js';
export type { ProgressEvent, ProgressListener } from './events.js';
export {
  AbortedError,
  AmlprepError,
  BadRowError,
  CheckpointError,
  InputChangedError,
  InputError,
  LockedError,
  MissingClassError,
  OptionError,
  OutputError,
  UsageError,
  WorkerError,
  type ErrorCode,
} from './errors.js';
export { UnreadableOutputError } from './output/unreadable-output.js';
export {
  EDGE_FEATURES,
  NODE_FEATURES,
  type FeatureDef,
  type FeatureRole,
} from './features/definitions.js';
export { MODEL_COLUMNS } from './features/model-input.js';
export type { Manifest, RunSummary } from './output/manifest.js';
export { OUTPUT_FILES } from './output/outputs.js';
export { generate, type GenerateOptions, type GenerateResult } from './generate/index.js';
export {
  readOutputs,
  readManifest,
  type ReadOutputsOptions,
  type RunOutputs,
} from './read-outputs.js';
export {
  exportRun,
  EXPORT_FORMATS,
  type AmountSource,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
} from './export/index.js';
export {
  inspectRun,
  type ClassCounts,
  type ColumnStats,
  type InspectOptions,
  type Inspection,
  type TopAccount,
} from './inspect/inspect.js';
