import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  placeFile,
  requireSameFolder,
  type FolderIdentity,
} from '../checkpoint/folder-identity.js';
import { rejectsCsv, type RejectedRow } from '../ingest/rejects.js';
import { retireManifest } from './manifest-file.js';

export const REJECTED_ROWS_FILE = 'rejected_rows.csv';

/** What a `graph_created` record keeps of the rejects file: its SHA-256, or that there is none. */
export const NO_REJECTS = 'none';

/**
 * Makes `rejected_rows.csv` hold exactly these rejects, or removes it when there are none (an
 * earlier run's list would read as this run's). `data_loaded` writes it as soon as the rows
 * are known; when `data_loaded` came from its checkpoint, `graph_created` calls this instead,
 * which writes only when the file is missing or differs. Returns what the record keeps.
 */
export function writeRejectedRows(
  dir: string,
  rejects: readonly RejectedRow[],
  folder?: FolderIdentity,
): string {
  const path = join(dir, REJECTED_ROWS_FILE);
  // A list in a folder that replaced the run's is someone else's: neither removed nor replaced.
  requireSameFolder(dir, folder);
  if (rejects.length === 0) {
    if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return NO_REJECTS;
    retireManifest(dir, folder);
    rmSync(path, { force: true });
    return NO_REJECTS;
  }
  const text = Buffer.from(rejectsCsv(rejects), 'utf8');
  if (!isRegularFile(path) || !readFileSync(path).equals(text)) {
    retireManifest(dir, folder);
    // Written beside and renamed over: a link at the name is replaced, never written through
    // (it could point outside the output folder), and a kill leaves the old list or the new.
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, text);
    placeFile(tmp, path, folder);
  }
  return createHash('sha256').update(text).digest('hex');
}

/** Said when a rejects list no run of this folder's options would write is removed. */
export const STRAY_REJECTS_NOTE =
  `${REJECTED_ROWS_FILE} removed: ` + 'the run it would describe rejected no rows';

/**
 * `writeRejectedRows`, saying through `note` when a list goes because this run has no rejects:
 * a rerun with other options removed one without a word, a rerun loaded whole with a note
 * (trial HH).
 */
export function placeRejectedRows(
  dir: string,
  rejects: readonly RejectedRow[],
  folder: FolderIdentity | undefined,
  note: (message: string) => void,
): string {
  const path = join(dir, REJECTED_ROWS_FILE);
  const stray = rejects.length === 0 && lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  const kept = writeRejectedRows(dir, rejects, folder);
  if (stray) note(STRAY_REJECTS_NOTE);
  return kept;
}

function isRegularFile(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * For a run loaded whole from checkpoints that had no rejects: removes what stands at the
 * rejects file's name (a link goes, never what it names), as a computed run would have. A
 * file or link put there after the run was kept otherwise, and read as that run's rejects.
 * True when something was removed.
 */
export function removeStrayRejects(dir: string): boolean {
  const path = join(dir, REJECTED_ROWS_FILE);
  if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return false;
  rmSync(path, { force: true });
  return true;
}
