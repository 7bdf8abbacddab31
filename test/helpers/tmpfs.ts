import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

import { afterEach } from 'vitest';

/** Mounting a file system needs root, which CI and this project's machines have. */
export const IS_ROOT = process.getuid?.() === 0;

/**
 * A cleanup list for tmpfs mounts, drained in `afterEach`: call at the top of a test file
 * (after `useTempDirs`, so the mounts go before their folders are removed), then `mount(dir,
 * megabytes, { readOnly })` in a test.
 */
export function useTmpfs(): (dir: string, megabytes: number, o?: { readOnly?: boolean }) => void {
  const mounted: string[] = [];
  afterEach(() => {
    for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
  });
  return (dir, megabytes, o = {}) => {
    mkdirSync(dir, { recursive: true });
    const flags = `${o.readOnly === true ? 'ro,' : ''}size=${megabytes}m`;
    execFileSync('mount', ['-t', 'tmpfs', '-o', flags, 'tmpfs', dir]);
    mounted.push(dir);
  };
}

/** Makes a mounted tmpfs read-only (`true`) or writable again (`false`), keeping its files. */
export function remount(dir: string, readOnly: boolean): void {
  execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, dir]);
}
