import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

import { OutputError } from '../errors.js';

/** A folder as the system knows it: its path can come to name another folder, or none. */
export interface FolderIdentity {
  dev: number;
  ino: number;
}

export function folderIdentity(path: string): FolderIdentity {
  const { dev, ino } = statSync(path);
  return { dev, ino };
}

/** Whether `path` still names the folder `identity` was taken of. */
export function sameFolder(path: string, identity: FolderIdentity): boolean {
  try {
    const now = folderIdentity(path);
    return now.dev === identity.dev && now.ino === identity.ino;
  } catch {
    return false;
  }
}

/**
 * Renames a finished temporary file over `path`, but only while `path`'s folder is still the
 * one `identity` was taken of: a folder made at the same path (or a link there) is someone
 * else's, and the run's file would replace theirs (trial O). Otherwise the temporary file is
 * removed and this throws. Without an identity it is a plain rename.
 */
export function placeFile(tmp: string, path: string, identity?: FolderIdentity): void {
  try {
    requireSameFolder(dirname(path), identity);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  renameSync(tmp, path);
}

/** Throws when `path` is no longer the folder `identity` was taken of (none given: never). */
export function requireSameFolder(path: string, identity: FolderIdentity | undefined): void {
  if (identity !== undefined && !sameFolder(path, identity)) {
    throw new Error(`the output folder ${path} is no longer the run's`);
  }
}

/**
 * The error of a run whose output folder was removed (or replaced) while it ran, or null when
 * the folder is still the one it started in. Files open in a removed folder still take writes,
 * so a run could end with exit 0 and outputs nobody can reach, or fail on the next file it
 * opens with a bare ENOENT.
 */
export function removedFolderError(
  path: string,
  identity: FolderIdentity,
  cause?: unknown,
): OutputError | null {
  if (sameFolder(path, identity)) return null;
  // Replaced by a folder, a link or a file: whatever is there now is not the run's.
  const what = existsSync(path) ? 'replaced' : 'removed';
  return new OutputError(
    `the output folder ${path} was ${what} while the run wrote it; its checkpoints and ` +
      `outputs went with it: run again to rebuild them`,
    cause,
  );
}
