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
  const code = signalExitCode(signal);
  const message = `stopped by ${signal}`;
  // A log read as JSON lines stays JSON lines, even before the command has parsed its flags
  // (a trial found this one line in plain text).
  const line = wantsJson(process.argv.slice(2))
    ? JSON.stringify({
        time: new Date().toISOString(),
        kind: 'interrupted',
        step: null,
        signal,
        exitCode: code,
        message,
      })
    : `amlprep: ${message}`;
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

/** Whether the command line asks for JSON on stderr: `--log-format json` or `--json`. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some(
    (arg, i) =>
      arg === '--json' ||
      arg === '--log-format=json' ||
      (arg === '--log-format' && argv[i + 1] === 'json'),
  );
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
