import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeFolders } from '../src/make-folders.js';
import { spawnCli, STACK_LINE, type CliResult } from './helpers/cli.js';
import { sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// An output folder that cannot be created ends the command at once with one line naming it
// and the reason. Node's recursive mkdir loops forever under /proc (mkdir of the child gives
// ENOENT, of the parent EEXIST), deaf to SIGINT and SIGTERM; amlprep creates folders itself.

const tempDir = useTempDirs('folder-creation');

/** Runs the CLI, killing it after `ms` so a hang fails the test instead of the whole suite. */
async function runWithin(args: string[], ms = 20_000): Promise<CliResult> {
  const cli = spawnCli(args);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), ms);
  const result = await cli.done;
  clearTimeout(timer);
  return result;
}

function expectOneLine(result: CliResult, ...parts: string[]): void {
  expect(result.signal, 'killed after hanging').toBeNull();
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  expect(lines, result.stderr).toHaveLength(1);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

function hasMkfifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const UNDER_PROC = '/proc/amlprep-cannot-be-here/out';

describe.runIf(existsSync('/proc/self'))('an output folder under /proc', () => {
  it('ends run at once with the reason instead of hanging', async () => {
    const result = await runWithin(sampleRunArgs(UNDER_PROC, 1000));

    expectOneLine(result, `cannot create the output folder ${UNDER_PROC}`, 'ENOENT');
  });

  it('ends generate and export at once too', async () => {
    const generated = await runWithin([
      'generate',
      '--rows',
      '100',
      '--accounts',
      '50',
      '--out',
      `${UNDER_PROC}/g.csv`,
    ]);
    const exported = await runWithin(['export', tempDir(), '--format', 'csv', '--out', UNDER_PROC]);

    expectOneLine(generated, `cannot create the output folder ${UNDER_PROC}`, 'ENOENT');
    expect(exported.signal).toBeNull();
    expect(exported.code, exported.stderr).toBe(2);
    expect(exported.stderr).not.toMatch(STACK_LINE);
  });
});

describe('creating the output folder', () => {
  it('names a symbolic link to nothing in its way', async () => {
    const dir = tempDir();
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'gone'), link);

    const result = await runWithin(sampleRunArgs(join(link, 'out'), 1000));

    expectOneLine(
      result,
      `cannot create the output folder ${join(link, 'out')}`,
      `${link} is a symbolic link to ${join(dir, 'gone')}, which does not exist`,
    );
  });

  it('names the file that stands where a parent folder should be', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const out = join(dir, 'file', 'a', 'out');

    const result = await runWithin(sampleRunArgs(out, 1000));

    expectOneLine(result, `cannot create the output folder ${out}`, 'ENOTDIR');
  });

  // Fresh-user report (session 14): a FIFO there was called "a file of that name".
  it.runIf(hasMkfifo())(
    'names a FIFO in the folder’s place as a FIFO, run and --dry-run',
    async () => {
      const out = join(tempDir(), 'fifo');
      execFileSync('mkfifo', [out]);
      const args = sampleRunArgs(out, 1000);

      const [planned, run] = [await runWithin([...args, '--dry-run']), await runWithin(args)];

      expectOneLine(
        run,
        `cannot create the output folder ${out}`,
        'a FIFO of that name is in the way',
      );
      expect(planned.stderr).toBe(run.stderr);
    },
  );

  // Fresh-user report (session 11): --dry-run planned runs into these and exited 0.
  it('is refused by --dry-run in the run’s words: a file or a link to nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));

    for (const out of ['file', join('file', 'sub'), 'dangling', join('dangling', 'x')]) {
      const args = sampleRunArgs(join(dir, out), 1000);

      const [planned, run] = [await runWithin([...args, '--dry-run']), await runWithin(args)];

      expectOneLine(planned, `cannot create the output folder ${join(dir, out)}`);
      expect(planned.stderr, out).toBe(run.stderr);
      expect(planned.stdout).toBe('');
    }
  });

  it('makes every missing parent, says which it made, and accepts folders that exist', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));

    const first = makeFolders(join(dir, 'a', 'b', 'c'));
    const second = makeFolders(join(dir, 'a', 'b', 'c'));

    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
    expect(first).toEqual([join(dir, 'a', 'b'), join(dir, 'a', 'b', 'c')]);
    expect(second).toEqual([]);
  });
});
