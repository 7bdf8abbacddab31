import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The path with every symbolic link resolved, as far as the path exists: two names of one
 * file give the same result, also when the file itself does not exist yet.
 */
export function realPathOf(path: string): string {
  const resolved = resolve(path);
  try {
    return realpathSync(resolved);
  } catch {
    const parent = dirname(resolved);
    return parent === resolved ? resolved : join(realPathOf(parent), basename(resolved));
  }
}
