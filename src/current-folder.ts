import { isAbsolute } from 'node:path';

import { OptionError } from './errors.js';

/**
 * The process's current folder can be removed while it runs from it (a job's scratch folder
 * cleaned up beneath it). Node then fails every relative path with `ENOENT ... uv_cwd`, and a
 * worker thread cannot start at all: Piscina dropped the failed threads, a run's next task
 * waited forever, and the CLI exited 13 with nothing said (a fresh-user trial).
 */
export function currentFolderGone(): boolean {
  try {
    process.cwd();
    return false;
  } catch (error) {
    return isCurrentFolderError(error);
  }
}

/** Node's error for a current folder that no longer exists. */
export function isCurrentFolderError(error: unknown): boolean {
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return e?.code === 'ENOENT' && e.syscall === 'uv_cwd';
}

/** Refuses work that needs the current folder (`why`) when it is gone. */
export function requireCurrentFolder(why: string): void {
  if (currentFolderGone()) throw currentFolderError(why);
}

/** Refuses a relative `path` when the current folder it is relative to is gone. */
export function requireBase(path: string): void {
  if (!isAbsolute(path)) requireCurrentFolder(`the relative path ${JSON.stringify(path)} needs it`);
}

export function currentFolderError(why: string): OptionError {
  return new OptionError(
    `the current folder no longer exists (removed or moved after amlprep started in it), and ` +
      `${why}: change to an existing folder and rerun`,
  );
}
