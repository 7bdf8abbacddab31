import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach } from 'vitest';

function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `amlprep-${label}-`));
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `fn` with a fresh folder under os.tmpdir(), removed afterwards whatever happens. */
export async function withTempDir<T>(label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir(label);
  try {
    return await fn(dir);
  } finally {
    removeDir(dir);
  }
}

/**
 * A cleanup list drained in `afterEach`: call at the top of a test file, then `tempDir()` in a
 * test gives a folder that is removed when that test ends, passed or failed.
 */
export function useTempDirs(label: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) removeDir(dir);
  });
  return () => {
    const dir = makeTempDir(label);
    made.push(dir);
    return dir;
  };
}

/** Like `useTempDirs`, for folders shared by the tests of a file (removed in `afterAll`). */
export function useSharedTempDirs(label: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) removeDir(dir);
  });
  return () => {
    const dir = makeTempDir(label);
    made.push(dir);
    return dir;
  };
}
