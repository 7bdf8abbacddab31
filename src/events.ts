import type { StepName } from './options.js';

/**
 * Progress reaches callers only through these events; the library itself never prints.
 * The CLI renders them as bars on a terminal and as one line per event in batch jobs.
 */
export type ProgressEvent =
  | { kind: 'step-start'; step: StepName; chunks: number; reused: number }
  | { kind: 'chunk-done'; step: StepName; done: number; total: number; rows: number }
  | { kind: 'step-end'; step: StepName; loaded: boolean; seconds: number; note?: string }
  | { kind: 'note'; step: StepName | null; message: string }
  | { kind: 'warning'; step: StepName | null; message: string };

export type ProgressListener = (event: ProgressEvent) => void;

export type Emit = ProgressListener;

export function makeEmitter(listener: ProgressListener | undefined): Emit {
  if (listener === undefined) return () => {};

  // A listener that throws must not corrupt the run's state halfway through a commit.
  return (event) => {
    try {
      listener(event);
    } catch {
      // Swallowed on purpose: progress is advisory.
    }
  };
}
