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

export function makeEmitter(listener: ProgressListener | undefined | null): Emit {
  if (listener === undefined || listener === null) return () => {};

  // A listener that throws must not corrupt the run's state halfway through a commit, nor
  // end the caller's process: an async listener's rejection, left unhandled, made Node exit
  // mid-run with the folder still locked (a fresh-user trial).
  return (event) => {
    try {
      const returned: unknown = listener(event);
      if (isThenable(returned)) returned.then(undefined, () => undefined);
    } catch {
      // Swallowed on purpose: progress is advisory.
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
