import { existsSync, lstatSync, mkdirSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` without Node's recursive mode, which loops forever under /proc: there mkdir of
 * the child says ENOENT and of the parent EEXIST, and Node retries the child, in a synchronous
 * loop that also keeps SIGINT and SIGTERM from being handled. Each missing folder is created
 * once, from the top down, and the first refusal is thrown as the system gave it.
 */
export function makeFolders(dir: string): string[] {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  // An existing path that is not a folder: mkdir gives the system's own EEXIST for it.
  if (missing.length === 0 && !statSync(at).isDirectory()) mkdirSync(at);
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
      made.push(folder);
    } catch (error) {
      // Created meanwhile by another process: what was wanted.
      if (!(isCode(error, 'EEXIST') && statSync(folder, { throwIfNoEntry: false })?.isDirectory()))
        throw error;
    }
  }
  return made;
}

/** For a path mkdir refused with EEXIST: says so when it is a symbolic link to nothing. */
export function danglingLink(path: string): string | null {
  try {
    if (!lstatSync(path).isSymbolicLink() || existsSync(path)) return null;
    return `${path} is a symbolic link to ${readlinkSync(path)}, which does not exist`;
  } catch {
    return null;
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}
