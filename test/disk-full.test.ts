import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runCli, STACK_LINE } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// A full disk, for real: a small tmpfs as the output folder. Mounting needs root, which CI
// and the development machines of this project have; the test says so when it is missing.

const tempDir = useTempDirs('disk-full');
const mounted: string[] = [];

afterEach(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
});

function mountTmpfs(dir: string, megabytes: number): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
  } catch (error) {
    throw new Error(`this test mounts a tmpfs and needs root: ${String(error)}`);
  }
  mounted.push(dir);
}

function args(out: string): string[] {
  return sampleRunArgs(out);
}

describe('a disk that fills up during a run', () => {
  it('stops with a clear message; after freeing space the rerun gives the same bytes', async () => {
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    const disk = join(tempDir(), 'disk');
    mountTmpfs(disk, 6);

    const full = await runCli(args(join(disk, 'out')));
    expect(full.code, full.stderr).toBe(2);
    expect(full.stderr).toMatch(/cannot (record|write) .*(disk full|ENOSPC)/);
    expect(full.stderr).not.toMatch(STACK_LINE);

    execFileSync('mount', ['-o', 'remount,size=80m', disk]);
    const rerun = await runCli(args(join(disk, 'out')));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/from checkpoints/);
    expect(sha256Of(join(disk, 'out'))).toEqual(sha256Of(clean));
  });

  it('stops on an output file with ENOSPC and a rerun after freeing space completes', async () => {
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    const disk = join(tempDir(), 'disk');
    // Room for the checkpoints (about 10 MB here) but not for all the Arrow files.
    mountTmpfs(disk, 22);

    const full = await runCli(args(join(disk, 'out')));
    expect(full.code, full.stderr).toBe(2);
    expect(full.stderr).toMatch(/cannot write .*\.arrow \(ENOSPC: no space left on device\)/);

    execFileSync('mount', ['-o', 'remount,size=80m', disk]);
    const rerun = await runCli(args(join(disk, 'out')));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(sha256Of(join(disk, 'out'))).toEqual(sha256Of(clean));
  });
});
