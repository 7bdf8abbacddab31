import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { requireSameFolder, type FolderIdentity } from '../checkpoint/folder-identity.js';
import { syncDir } from './arrow-file.js';

export const MANIFEST_FILE = 'manifest.json';

/**
 * Removes the folder's manifest.json before a file it describes is replaced, durably, so a
 * run killed while it replaces them leaves no manifest rather than one beside files of
 * another run: readers refuse such a folder instead of reading the mix (trial FF read a new
 * train_resampled.arrow with the old manifest's seed). The run writes a new one at its end.
 */
export function retireManifest(dir: string, folder?: FolderIdentity): void {
  requireSameFolder(dir, folder);
  const path = join(dir, MANIFEST_FILE);
  if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return;
  rmSync(path, { force: true });
  syncDir(dir);
}
