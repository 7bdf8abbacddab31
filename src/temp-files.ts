import { constants, lstatSync, openSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * Temporary files this process is writing: a generated file's `<path>.partial-<pid>-<n>`, an
 * export's `<file>.tmp`. Their writers remove them on success or failure; a signal that ends
 * the process skips that, so the CLI's signal handler removes what is listed here. Nothing
 * here installs a handler or prints.
 */
const writing = new Set<string>();

/** Folders a command made for its output, outermost first, while the command runs. */
const madeFolders: string[] = [];

export function trackTempFile(path: string): void {
  writing.add(path);
}

export function untrackTempFile(path: string): void {
  writing.delete(path);
}

/**
 * Removes the temporary files listed since `before` (a `trackedTempFiles()` taken earlier)
 * inside folder `under`: those a failed command had opened there and not yet removed itself.
 */
export function removeTempFilesSince(before: ReadonlySet<string>, under: string): void {
  const prefix = under.endsWith(sep) ? under : under + sep;
  for (const path of [...writing]) {
    if (before.has(path) || !resolve(path).startsWith(prefix)) continue;
    rmSync(path, { force: true });
    writing.delete(path);
  }
}

/** The temporary files listed now, for `removeTempFilesSince`. */
export function trackedTempFiles(): ReadonlySet<string> {
  return new Set(writing);
}

/** Whether a signal now would remove `path` (for tests). */
export function isTrackedTempFile(path: string): boolean {
  return writing.has(path);
}

/**
 * Folders a command made for its output (outermost first), to go again if a signal ends it
 * before anything is finished in them; `untrackFolders` once it ends by itself.
 */
export function trackFolders(paths: readonly string[]): void {
  madeFolders.push(...paths);
}

export function untrackFolders(paths: readonly string[]): void {
  for (const path of paths) {
    const at = madeFolders.lastIndexOf(path);
    if (at !== -1) madeFolders.splice(at, 1);
  }
}

/**
 * Removes every temporary file still being written, then the tracked folders that are empty
 * (deepest first: a folder that holds anything stays, and so do its parents); never throws.
 */
export function removeTempFiles(): void {
  for (const path of writing) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Best effort on the way out: a file that cannot be removed stays, as after a kill.
    }
  }
  writing.clear();
  for (const folder of madeFolders.reverse()) if (!removeEmptyFolder(folder)) break;
  madeFolders.length = 0;
}

/** Removes a folder that is empty; false when it holds something (or cannot go). */
export function removeEmptyFolder(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens `path` for writing as a new file. Temporary names sit in output folders others may
 * be able to write to (a tmpfs root is world-writable): whatever is there is removed first
 * (a symlink itself, never its target), and O_EXCL makes the open fail rather than follow
 * anything planted in between. A folder there is an EISDIR error naming it.
 */
export function openNewFile(path: string, extraFlags = 0): number {
  const found = lstatSync(path, { throwIfNoEntry: false });
  if (found?.isDirectory() === true) {
    throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR', path });
  }
  if (found !== undefined) unlinkSync(path);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | extraFlags;
  return openSync(path, flags, 0o666);
}
