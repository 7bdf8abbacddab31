import { spawn, type ChildProcess } from 'node:child_process';

import { BIN, REPO } from './paths.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Lines that only a printed stack trace has. */
export const STACK_LINE = /^ {4}at /m;

/**
 * Environment of a spawned CLI: stderr is a pipe, so progress comes as one line per event
 * (`[hh:mm:ss] <step>: start ...`), never as a redrawn bar.
 */
function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_DEBUG;
  return env;
}

/** Runs `node bin/amlprep.js ...args` to the end. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<CliResult> {
  return spawnCli(args, options).done;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the process has exited, with everything it printed. */
  done: Promise<CliResult>;
  /**
   * Resolves with the first stderr line matching `pattern` (lines already printed count), or
   * with null when the process exits without printing one.
   */
  waitForStderr: (pattern: RegExp) => Promise<string | null>;
  /** stderr printed so far. */
  stderrSoFar: () => string;
}

/** Starts `node bin/amlprep.js ...args` and lets the caller watch stderr line by line. */
export function spawnCli(args: readonly string[], options: { cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string | null) => void }[] = [];

  const offer = (line: string): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (waiter.pattern.test(line)) {
        waiters.splice(i, 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      offer(line);
    }
  });

  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (partial !== '') {
        lines.push(partial);
        offer(partial);
      }
      for (const waiter of waiters.splice(0)) waiter.resolve(null);
      resolve({ code, signal, stdout, stderr });
    });
  });

  let exited = false;
  void done.then(
    () => {
      exited = true;
    },
    () => {
      exited = true;
    },
  );
  const waitForStderr = (pattern: RegExp): Promise<string | null> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    if (exited) return Promise.resolve(null);
    return new Promise((resolve) => waiters.push({ pattern, resolve }));
  };
  return { child, done, waitForStderr, stderrSoFar: () => stderr };
}
