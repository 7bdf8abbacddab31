import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { STEPS } from '../src/options.js';
import { runCli, STACK_LINE, type CliResult } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { killAt, unfinished } from './helpers/kill.js';
import { sampleRunArgs } from './helpers/paths.js';
import { chunksFromCheckpoints } from './helpers/summary.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { IS_ROOT, remount, useTmpfs } from './helpers/tmpfs.js';

// Issue "crash-proof resume", item 7: an output folder that cannot be written ends the run
// with one clear line naming the folder and the reason, and leaves the store as it was, so
// the same command continues once the folder is writable. Root ignores permission bits, so
// the folder is a tmpfs mounted read-only: the kernel refuses every write with EROFS.

const tempDir = useTempDirs('read-only');
const mount = useTmpfs();

function args(out: string): string[] {
  return sampleRunArgs(out, 1000);
}

/** The failure is one line that names the folder and EROFS, with exit 2 and no stack. */
function expectReadOnlyRefusal(result: CliResult, folder: string): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(folder);
  expect(lines[0]).toMatch(/\(EROFS: read-only file system\)/);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

/** SHA-256 of every file in a folder, by name. */
function folderBytes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => [
      name,
      createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex'),
    ]),
  );
}

describe.skipIf(!IS_ROOT)('an output folder on a read-only file system', () => {
  it('refuses a fresh run into the folder itself, naming it and EROFS', async () => {
    const disk = join(tempDir(), 'disk');
    mount(disk, 8, { readOnly: true });

    const result = await runCli(args(disk));

    expectReadOnlyRefusal(result, disk);
    expect(result.stderr).toContain(`cannot write the output folder ${disk}`);
    expect(readdirSync(disk)).toEqual([]);
  });

  it('refuses a fresh run into a folder it would have to create there', async () => {
    // Node's recursive mkdir says ENOENT here; the message gives the real reason.
    const disk = join(tempDir(), 'disk');
    mount(disk, 8, { readOnly: true });
    const out = join(disk, 'runs', 'first');

    const result = await runCli(args(out));

    expectReadOnlyRefusal(result, out);
    expect(result.stderr).toContain(`cannot create the output folder ${out}`);
  });

  it('is refused by --dry-run too, rather than planned as a run that would fail', async () => {
    const disk = join(tempDir(), 'disk');
    mount(disk, 8, { readOnly: true });

    for (const out of [disk, join(disk, 'runs', 'first')]) {
      const result = await runCli([...args(out), '--dry-run']);

      expectReadOnlyRefusal(result, out);
      expect(result.stdout).toBe('');
    }
    expect(readdirSync(disk)).toEqual([]);
  });

  it('reports the refusal as one JSON error line with --log-format json', async () => {
    const disk = join(tempDir(), 'disk');
    mount(disk, 8, { readOnly: true });

    const result = await runCli([...args(disk), '--log-format', 'json']);

    expect(result.code, result.stderr).toBe(2);
    const error = JSON.parse(result.stderr.trim()) as Record<string, unknown>;
    expect(error).toMatchObject({ kind: 'error', code: 'ERR_AMLPREP_OUTPUT', exitCode: 2 });
    expect(error.message).toMatch(/EROFS/);
    expect(error).not.toHaveProperty('stack');
  });
});

describe.skipIf(!IS_ROOT)('a folder made read-only after a run was killed in it', () => {
  it('refuses the rerun without damage; writable again, it ends with the same bytes', async () => {
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    const disk = join(tempDir(), 'disk');
    mount(disk, 80);
    const out = join(disk, 'out');

    // A kill in the middle of data_loaded leaves chunks recorded and a stale lock file.
    const kill = await killAt(args(out), out, { chunksOf: 'data_loaded', atLeast: 4 });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    const open = unfinished(kill.store);
    expect(open?.step).toBe('data_loaded');
    const recorded = open!.chunksDone;
    expect(recorded).toBeGreaterThanOrEqual(4);
    expect(readdirSync(out)).toContain('amlprep.lock');
    const before = folderBytes(out);

    remount(disk, true);
    const refused = await runCli(args(out));
    expectReadOnlyRefusal(refused, out);
    expect(refused.stderr).toMatch(/stale amlprep\.lock/);
    // A second try is refused the same way: the first left nothing half-done behind.
    expectReadOnlyRefusal(await runCli(args(out)), out);
    expect(folderBytes(out)).toEqual(before);

    remount(disk, false);
    const rerun = await runCli(args(out));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(chunksFromCheckpoints(rerun.stderr).get('data_loaded')).toBe(recorded);
    expect(sha256Of(out)).toEqual(sha256Of(clean));
  });

  it('refuses a rerun of a finished run the same way, and its outputs stay intact', async () => {
    const disk = join(tempDir(), 'disk');
    mount(disk, 80);
    const out = join(disk, 'out');
    expect((await runCli(args(out))).code).toBe(0);
    const before = folderBytes(out);

    remount(disk, true);
    const refused = await runCli(args(out));

    expectReadOnlyRefusal(refused, out);
    expect(refused.stderr).toMatch(/creating amlprep\.lock/);
    expect(folderBytes(out)).toEqual(before);

    // Reading needs no write access: status still lists every step as done.
    const listed = await runCli(['status', out]);
    expect(listed.code, listed.stderr).toBe(0);
    for (const step of STEPS) expect(listed.stdout).toMatch(new RegExp(`^${step} +done `, 'm'));
    expect(folderBytes(out)).toEqual(before);
  });
});
