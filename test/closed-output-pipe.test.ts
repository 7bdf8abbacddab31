// Trial D (session 17): `amlprep run … 2>&1 | true` exited 0 at its first line of progress,
// with nothing computed and the folder locked: a closed pipe ended every command at once.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { BIN, REPO, sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('closed-pipe');

/** Runs the CLI with its stdout and stderr pipes closed by the reader at once. */
function runWithClosedPipes(args: string[]): Promise<number | null> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  child.stderr.destroy();
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('a reader that closes the output pipe early', () => {
  it('does not stop a run: it finishes with the outputs of a run read to the end', async () => {
    const out = tempDir();
    const read = tempDir();

    const code = await runWithClosedPipes(sampleRunArgs(out, 2000));
    expect((await runCli(sampleRunArgs(read, 2000))).code).toBe(0);

    expect(code).toBe(0);
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);
    expect(sha256Of(out)).toEqual(sha256Of(read));
  });

  it('keeps the exit code of a run that fails', async () => {
    const dir = tempDir();

    const code = await runWithClosedPipes(['run', join(dir, 'missing.csv'), '--out', dir]);

    expect(code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});
