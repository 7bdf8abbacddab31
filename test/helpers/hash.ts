import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The three Arrow outputs whose bytes SPEC §10 promises do not depend on workers or kills. */
export const ARROW_FILES = ['nodes.arrow', 'edges.arrow', 'train_resampled.arrow'] as const;

export type ArrowHashes = Record<(typeof ARROW_FILES)[number], string>;

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** SHA-256 of nodes.arrow, edges.arrow and train_resampled.arrow in an output folder. */
export function sha256Of(dir: string): ArrowHashes {
  const out = {} as ArrowHashes;
  for (const file of ARROW_FILES) out[file] = sha256File(join(dir, file));
  return out;
}
