/** Where a CLI command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};

/** Exit codes: 0 success, 1 internal fault, 2 usage or data error, 130/143 interrupted. */
export const EXIT = { ok: 0, internal: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** The exit code of a stop by SIGINT (130) or SIGTERM (143), the only signals amlprep hears. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}

/**
 * A newline to print before the message of `error` when LMDB has just written a line of its
 * own without ending it: its C code prints "txn has failed/finished, can't commit" with no
 * line break on the commit that returns MDB_BAD_TXN, and amlprep's line (text or JSON) was
 * glued to it. Empty for every other error.
 */
export function afterLmdbText(error: unknown): string {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e.message.startsWith('MDB_BAD_TXN')) return '\n';
  }
  return '';
}
