import { lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file an export of each format writes (test/export-concurrent.test.ts checks each
 * export's list against these), for the temporary files a killed export left.
 */
export const EXPORT_FILE_NAMES = {
  npy: [
    'arrays.json',
    'x.npy',
    'edge_index.npy',
    'edge_attr.npy',
    'y.npy',
    'edge_id.npy',
    'train_mask.npy',
    'val_mask.npy',
    'test_mask.npy',
    'train_resampled_x.npy',
    'train_resampled_y.npy',
  ],
  csv: ['nodes.csv', 'edges.csv', 'train_resampled.csv'],
  multignn: ['formatted_transactions.csv', 'formatted_transactions.json'],
} as const;

/**
 * Removes the `<file>.tmp` of every export format from `target`, called while this export
 * holds the folder's lock: no export is writing them, so they are a killed one's. An export
 * of the same format replaced its own, but one of another format left them (trial S: 13 MB
 * of a killed csv export beside a multignn export). Only regular files go. Returns the
 * formats that had any: that export was killed before it had renamed all its files.
 */
export function removeLeftoverTemps(target: string): (keyof typeof EXPORT_FILE_NAMES)[] {
  const found = new Set<keyof typeof EXPORT_FILE_NAMES>();
  for (const [format, names] of Object.entries(EXPORT_FILE_NAMES)) {
    for (const name of names) {
      const path = join(target, `${name}.tmp`);
      try {
        if (lstatSync(path, { throwIfNoEntry: false })?.isFile() !== true) continue;
        found.add(format as keyof typeof EXPORT_FILE_NAMES);
        unlinkSync(path);
      } catch {
        // Left as it was: the export writes its own names again, the rest are only clutter.
      }
    }
  }
  return [...found];
}
