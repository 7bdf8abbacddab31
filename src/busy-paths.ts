import { resolve } from 'node:path';

import { OutputError } from './errors.js';

/** Output paths a call of this process is writing now (absolute), with the call's name. */
const busy = new Map<string, string>();

/**
 * Claims output paths for one call (`generate()`, `exportRun()`) until the returned release
 * runs. Two calls of one process writing the same path at once would share its temporary
 * files: one failed with a bare ENOENT, and the other resolved describing bytes that the
 * first then replaced (a fresh-user trial). The second is refused at once instead.
 */
export function claimPaths(paths: readonly string[], call: string): () => void {
  const absolute = [...new Set(paths.map((path) => resolve(path)))];
  const index = absolute.findIndex((path) => busy.has(path));
  if (index !== -1) {
    const path = absolute[index]!;
    throw new OutputError(
      `${path} is being written by another ${busy.get(path)} call in this process; ` +
        'wait for it to settle, or write somewhere else',
    );
  }
  for (const path of absolute) busy.set(path, call);
  return () => {
    for (const path of absolute) busy.delete(path);
  };
}
