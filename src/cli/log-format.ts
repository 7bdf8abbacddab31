import { asOutputError } from '../checkpoint/folder.js';
import { AmlprepError, BadRowError, UsageError } from '../errors.js';
import type { ProgressEvent } from '../events.js';
import type { StepName } from '../options.js';
import type { RunResult } from '../run.js';
import { asFlags } from './args.js';
import { afterLmdbText, EXIT, type CliIo } from './io.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function parseLogFormat(value: string | undefined): LogFormat {
  if (value === undefined) return 'text';
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new UsageError(`--log-format must be text or json, got ${JSON.stringify(value)}`);
}

/**
 * `--log-format json`: one JSON object per line on stderr for every progress event, each with
 * `time` (ISO 8601) and `kind` first, then the event's fields. `chunk-done` adds the step's
 * rows so far, elapsed seconds, rows and chunks per second, and an ETA. With `quiet`, only
 * warnings are written. Nothing else is ever printed between the lines.
 */
export function jsonProgressPrinter(
  io: CliIo,
  quiet = false,
  clock: () => number = Date.now,
): (event: ProgressEvent) => void {
  let step: { name: StepName; started: number; reused: number; rows: number } | null = null;
  return (event) => {
    if (quiet && event.kind !== 'warning') return;
    const now = clock();
    const line = (fields: object) => {
      io.stderr.write(`${JSON.stringify({ time: new Date(now).toISOString(), ...fields })}\n`);
    };
    switch (event.kind) {
      case 'step-start':
        step = { name: event.step, started: now, reused: event.reused, rows: 0 };
        line(event);
        return;
      case 'chunk-done': {
        const s = step?.name === event.step ? step : null;
        const elapsed = s === null ? 0 : (now - s.started) / 1000;
        if (s !== null) s.rows += event.rows;
        const computed = event.done - (s?.reused ?? 0);
        const chunksPerSecond = elapsed > 0 ? computed / elapsed : null;
        line({
          ...event,
          stepRows: s?.rows ?? event.rows,
          elapsedSeconds: elapsed,
          rowsPerSecond: elapsed > 0 && s !== null ? s.rows / elapsed : null,
          chunksPerSecond,
          etaSeconds:
            chunksPerSecond === null || chunksPerSecond === 0
              ? null
              : (event.total - event.done) / chunksPerSecond,
        });
        return;
      }
      case 'step-end':
        step = null;
        line(event);
        return;
      case 'note':
      case 'warning':
        line(event);
    }
  };
}

/** The run's result as one JSON line for stdout: `kind: "summary"` and every RunResult field. */
/** A note or warning of the command itself (no step), as one JSON line for stderr. */
export function jsonMessage(
  kind: 'note' | 'warning',
  message: string,
  clock: () => number = Date.now,
): string {
  const time = new Date(clock()).toISOString();
  return `${JSON.stringify({ time, kind, step: null, message })}\n`;
}

export function jsonSummary(result: RunResult, clock: () => number = Date.now): string {
  const time = new Date(clock()).toISOString();
  return `${JSON.stringify({ time, kind: 'summary', ...result })}\n`;
}

/**
 * A failure as one JSON line for stderr, with the exit code the process ends with: the
 * error's `code` and message (option names written as flags, as in the text output),
 * `file`/`line`/`reason` for a bad row, and the stack only for an internal fault (the one
 * kind worth a bug report).
 */
export function jsonError(
  thrown: unknown,
  exitCode: number,
  clock: () => number = Date.now,
): string {
  const error = asOutputError(thrown);
  const known = error instanceof AmlprepError;
  const where =
    error instanceof BadRowError
      ? { file: error.file, line: error.line, reason: error.reason }
      : {};
  const stack = known && error.userFacing ? {} : { stack: (error as Error | undefined)?.stack };
  return `${afterLmdbText(error)}${JSON.stringify({
    time: new Date(clock()).toISOString(),
    kind: 'error',
    code: known ? error.code : 'ERR_AMLPREP_INTERNAL',
    // Library messages name `options.workers`; on the command line that is `--workers`.
    message: known
      ? asFlags(error.message)
      : error instanceof Error
        ? error.message
        : String(error),
    exitCode,
    ...where,
    ...stack,
  })}\n`;
}

/** The exit code `reportError` gives an error: 2 when the user can fix it, else 1. */
export function exitCodeOf(thrown: unknown): number {
  const error = asOutputError(thrown);
  return error instanceof AmlprepError && error.userFacing ? EXIT.usage : EXIT.internal;
}

/**
 * Runs a command that has a `--json` flag: when the arguments ask for JSON, a failure is
 * written as one JSON object on stderr, as a script reading the output expects, instead of
 * the plain `amlprep: ...` line.
 */
export async function withJsonErrors(
  argv: readonly string[],
  io: { stderr: NodeJS.WritableStream },
  command: () => Promise<number>,
): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (!argv.includes('--json')) throw error;
    const code = exitCodeOf(error);
    io.stderr.write(jsonError(error, code));
    return code;
  }
}

/** A stop by SIGINT/SIGTERM as one JSON line for stderr. */
export function jsonInterrupted(
  signal: NodeJS.Signals,
  exitCode: number,
  message: string,
  step: StepName | null,
  clock: () => number = Date.now,
): string {
  return `${JSON.stringify({
    time: new Date(clock()).toISOString(),
    kind: 'interrupted',
    step,
    signal,
    exitCode,
    message,
  })}\n`;
}
