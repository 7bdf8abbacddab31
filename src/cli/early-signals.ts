import { removeTempFiles } from '../temp-files.js';
import { signalExitCode } from './io.js';

/**
 * SIGINT and SIGTERM while the CLI is starting, and during the commands without handlers of
 * their own (generate, export, ...). Loading the modules (Arrow, LMDB, the steps) takes a few
 * hundred ms, during which a signal with no listener would end the process without a word.
 * The launcher holds them first with this module, which imports next to nothing; `run` takes
 * them over with its own handlers before it touches the output folder. On the way out the
 * temporary files being written (a generated file's `.partial-<pid>-<n>`, an export's `.tmp`)
 * are removed.
 */
function stopped(signal: NodeJS.Signals): void {
  removeTempFiles();
  process.stderr.write(`amlprep: stopped by ${signal}\n`);
  process.exit(signalExitCode(signal));
}

let held = false;

/** Exits 130/143 with one line on SIGINT/SIGTERM until `releaseEarlySignals`. */
export function holdEarlySignals(): void {
  if (held) return;
  held = true;
  process.on('SIGINT', stopped);
  process.on('SIGTERM', stopped);
}

/** Lets a command's own handlers take over. */
export function releaseEarlySignals(): void {
  if (!held) return;
  held = false;
  process.off('SIGINT', stopped);
  process.off('SIGTERM', stopped);
}

/**
 * Hands SIGINT and SIGTERM to a command's own `handler`; returns what removes it. The
 * handler is added before the early one goes: with no listener left even for a moment,
 * Node closes the signal's watcher, and a signal it had taken but not yet dispatched was
 * lost (a run stopped ~0.2 s after start went on to exit 0).
 */
export function handOverSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  releaseEarlySignals();
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
