import { accessSync, constants, statSync } from 'node:fs';

import { errnoName } from './checkpoint/folder.js';

/**
 * The errno name (EACCES, EPERM) when this user may not read `path` (enter it, for a folder),
 * or also write it with `write`; null when it may, or when nothing is there. Run as a user
 * without those rights, a store read as "another program's LMDB file" (which sent the user
 * to --fresh) and a folder as "nothing has run here" (a fresh-user trial).
 */
export function deniedAccess(path: string, options: { folder?: boolean; write?: boolean } = {}) {
  // A folder is only searched: its files are opened by name, so one the user may enter but
  // not list (mode 733) serves, as it does a run (a trial's --dry-run refused it).
  const mode =
    (options.folder === true ? constants.X_OK : constants.R_OK) |
    (options.write === true ? constants.W_OK : 0);
  try {
    accessSync(path, mode);
    return null;
  } catch (error) {
    const code = errnoName(error);
    return code === 'EACCES' || code === 'EPERM' ? code : null;
  }
}

/** What a refusal for `deniedAccess` says: `cannot <verb> <what> (EACCES: …); …`. */
export function deniedMessage(verb: string, what: string, code: string): string {
  return (
    `cannot ${verb} ${what} (${code}: permission denied); run as its owner or give this ` +
    'user access to it'
  );
}

/**
 * What is at `path` for a command that takes a folder: nothing, a folder, or something else.
 * A path through a file (`data.csv/run`, `data.csv/`) is something else, not nothing.
 */
export function folderKind(path: string): 'missing' | 'folder' | 'other' {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return 'missing';
    return stats.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    return 'other';
  }
}
