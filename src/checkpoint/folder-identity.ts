import { statSync } from 'node:fs';

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
  let now: FolderIdentity | null;
  try {
    now = folderIdentity(path);
  } catch {
    now = null;
  }
  if (now !== null && now.dev === identity.dev && now.ino === identity.ino) return null;
  const what = now === null ? 'removed' : 'replaced by another folder';
  return new OutputError(
    `the output folder ${path} was ${what} while the run wrote it; its checkpoints and ` +
      `outputs went with it: run again to rebuild them`,
    cause,
  );
}
