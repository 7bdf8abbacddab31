import { accessSync, constants as fsConstants, lstatSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';

import { currentFolderError, isCurrentFolderError } from '../current-folder.js';
import { OutputError } from '../errors.js';
import { kindOf } from '../file-kind.js';
import { danglingLink, makeFolders } from '../make-folders.js';

/** What a failed write to the output folder means to the person running the job. */
const REASONS: Record<string, { reason: string; fix: string }> = {
  EROFS: { reason: 'read-only file system', fix: 'make it writable' },
  EACCES: { reason: 'permission denied', fix: 'make it writable' },
  EPERM: { reason: 'operation not permitted', fix: 'make it writable' },
  ENOSPC: { reason: 'no space left on device', fix: 'free space' },
  EDQUOT: { reason: 'disk quota exceeded', fix: 'free space' },
  EEXIST: { reason: 'a file of that name exists', fix: 'remove it' },
  ENOTDIR: { reason: 'a part of the path is a file', fix: 'fix the path' },
  ENOENT: { reason: 'no such file or directory', fix: 'fix the path' },
  EIO: { reason: 'I/O error', fix: 'check the disk' },
  EISDIR: { reason: 'a folder is in the way', fix: 'move it away' },
};

/**
 * The errno name of a failed file operation: Node gives `code` as a name (`EROFS`), LMDB as a
 * number (30). Null when there is none.
 */
export function errnoName(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (typeof code !== 'number') return null;
  const found = Object.entries(constants.errno).find(([, n]) => n === code);
  return found?.[0] ?? null;
}

/** `EROFS: read-only file system`, or the error's own words when its code is not one above. */
export function describeWriteError(error: unknown): string {
  const name = errnoName(error);
  const known = name === null ? undefined : REASONS[name];
  if (name !== null && known !== undefined) return `${name}: ${known.reason}`;
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages already begin with their code.
  return name === null || message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
}

/** True for the errors that mean the folder cannot be written at all (not a damaged store). */
export function isUnwritable(error: unknown): boolean {
  const name = errnoName(error);
  return name === 'EROFS' || name === 'EACCES' || name === 'EPERM';
}

/**
 * The one message for an output folder that refuses a write, naming the folder, the reason and
 * what to do. Nothing was changed in the folder, so the same command continues afterwards.
 */
export function cannotWrite(dir: string, what: string, error: unknown): OutputError {
  const fix = REASONS[errnoName(error) ?? '']?.fix ?? 'fix it';
  return new OutputError(
    `cannot write the output folder ${dir}: ${what} failed (${describeWriteError(error)}); ` +
      `${fix} and rerun the same command`,
    error,
  );
}

/**
 * Refuses, without writing anything, an output folder that a run could not write: the folder
 * itself, or where it does not exist yet the nearest folder above it, which the run would
 * create it in (`--dry-run` says so instead of planning a run that fails at its lock).
 */
export function checkWritable(dir: string): void {
  // lstat, not exists: a dangling symbolic link is in the way as much as a file is.
  let existing = resolve(dir);
  let child = existing;
  while (!isThere(existing)) {
    if (dirname(existing) === existing) break;
    child = existing;
    existing = dirname(existing);
  }
  if (statSync(existing, { throwIfNoEntry: false })?.isDirectory() !== true) {
    // What mkdir would answer: EEXIST for the folder itself or a link to nothing, ENOTDIR
    // for a folder to be made under a file.
    const itself = existing === resolve(dir) || danglingLink(existing) !== null;
    const code = itself ? 'EEXIST' : 'ENOTDIR';
    throw folderError(
      dir,
      Object.assign(new Error(code), { code, path: itself ? existing : child }),
    );
  }
  try {
    accessSync(existing, fsConstants.W_OK);
  } catch (error) {
    const what = existing === resolve(dir) ? 'a write check' : `a write check of ${existing}`;
    throw cannotWrite(dir, what, error);
  }
}

/** Whether anything (a link to nothing included) is at `path`; ENOTDIR and ENOENT say no. */
function isThere(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the output folder and its parents, returning the folders it made (outermost first);
 * a refusal names the folder, the parent that could not be made when it is not the folder
 * itself, and the reason.
 */
export function makeOutputFolder(dir: string): string[] {
  try {
    return makeFolders(dir);
  } catch (error) {
    throw folderError(dir, error);
  }
}

function folderError(dir: string, error: unknown): OutputError {
  const path = (error as { path?: unknown } | null)?.path;
  const link =
    typeof path === 'string' && errnoName(error) === 'EEXIST' ? danglingLink(path) : null;
  const where = typeof path === 'string' && resolve(path) !== resolve(dir) ? `: ${path}` : '';
  const why = link ?? inTheWay(path, error) ?? describeWriteError(error);
  return new OutputError(
    `cannot create the output folder ${dir}${link === null ? where : ''} (${why})`,
    error,
  );
}

/**
 * For EEXIST, what is in the folder's place when it is not a plain file ("EEXIST: a FIFO is
 * in the way"): "a file of that name exists" would send someone looking for a regular file.
 */
function inTheWay(path: unknown, error: unknown): string | null {
  if (typeof path !== 'string' || errnoName(error) !== 'EEXIST') return null;
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined || stats.isFile() || stats.isSymbolicLink()) return null;
  return `EEXIST: ${kindOf(stats)} of that name is in the way`;
}

/**
 * A raw Node file error from a write that no layer mapped (say, a full disk under
 * rejected_rows.csv) becomes an OutputError naming the path, so the CLI prints one line
 * instead of a stack. Anything else is returned as it is.
 */
export function asOutputError(error: unknown): unknown {
  // A relative path met after the current folder was removed: no layer could name it.
  if (isCurrentFolderError(error)) return currentFolderError('a relative path needs it');
  const path = (error as { path?: unknown } | null)?.path;
  const name = errnoName(error);
  const writeSide = ['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'EISDIR'];
  if (!(error instanceof Error) || typeof path !== 'string' || !writeSide.includes(name ?? '')) {
    return error;
  }
  return new OutputError(`cannot write ${path} (${describeWriteError(error)})`, error);
}
