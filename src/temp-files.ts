import { rmSync } from 'node:fs';

/**
 * Temporary files this process is writing: a generated file's `<path>.partial-<pid>`, an
 * export's `<file>.tmp`. Their writers remove them on success or failure; a signal that ends
 * the process skips that, so the CLI's signal handler removes what is listed here. Nothing
 * here installs a handler or prints.
 */
const writing = new Set<string>();

export function trackTempFile(path: string): void {
  writing.add(path);
}

export function untrackTempFile(path: string): void {
  writing.delete(path);
}

/** Removes every temporary file still being written; never throws. */
export function removeTempFiles(): void {
  for (const path of writing) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Best effort on the way out: a file that cannot be removed stays, as after a kill.
    }
  }
  writing.clear();
}
