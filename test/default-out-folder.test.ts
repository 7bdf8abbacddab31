import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli, spawnCli, STACK_LINE } from './helpers/cli.js';
import { sha256File, sha256Of } from './helpers/hash.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Trial E (session 18): the default --out is `checkpoints_all` beside the input for every
// file of a folder. The Kaggle download keeps HI-Small and LI-Small side by side, and the
// second file's run replaced the first one's outputs, saying only "the transactions file
// changed".

const tempDir = useTempDirs('default-out');

/** Two generated transactions files side by side, as the Kaggle download keeps them. */
async function twoFiles(): Promise<{ dir: string; hi: string; li: string }> {
  const dir = tempDir();
  const hi = join(dir, 'HI-Small_Trans.csv');
  const li = join(dir, 'LI-Small_Trans.csv');
  for (const [out, seed] of [
    [hi, '1'],
    [li, '2'],
  ] as const) {
    const made = await runCli([
      'generate',
      '--rows',
      '20k',
      '--accounts',
      '2k',
      '--seed',
      seed,
      '--out',
      out,
    ]);
    expect(made.code, made.stderr).toBe(0);
  }
  return { dir, hi, li };
}

describe('the default output folder', () => {
  it('is refused to a second file of the folder while it holds the first one’s run', async () => {
    const { dir, hi, li } = await twoFiles();
    const out = join(dir, 'checkpoints_all');
    expect((await runCli(['run', hi])).code).toBe(0);
    const before = sha256Of(out);

    const second = await runCli(['run', li]);
    const planned = await runCli(['run', li, '--dry-run']);

    const said =
      `amlprep: ${out}, the default output folder for ${li}, holds the run of ${hi}; ` +
      'name a folder with --out (naming this one replaces that run)\n';
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toBe(said);
    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stderr).toBe(said);
    expect(sha256Of(out)).toEqual(before);
  });

  // Session 19: only a finished run's manifest named its file, so a run killed part way was
  // replaced by the other file's run ("the transactions file changed"), its checkpoints lost.
  it('is refused to a second file while it holds the first one’s killed run', async () => {
    const { dir, hi, li } = await twoFiles();
    const out = join(dir, 'checkpoints_all');
    const first = spawnCli(['run', hi, '--chunk-size', '2000']);
    expect(await first.waitForStderr(/node_features: start/)).not.toBeNull();
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const store = join(out, 'checkpoints.mdb');
    const before = sha256File(store);

    const second = await runCli(['run', li]);
    const planned = await runCli(['run', li, '--dry-run']);
    const untouched = sha256File(store);
    const resumed = await runCli(['run', hi, '--chunk-size', '2000']);

    const said =
      `amlprep: ${out}, the default output folder for ${li}, holds the unfinished run of a ` +
      'file named HI-Small_Trans.csv; name a folder with --out (naming this one replaces ' +
      'that run)\n';
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toBe(said);
    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stderr).toBe(said);
    expect(untouched).toBe(before);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('loaded from checkpoints: data_loaded');
  });

  it('is the user’s to reuse when named with --out', async () => {
    const { dir, hi, li } = await twoFiles();
    expect((await runCli(['run', hi])).code).toBe(0);

    const named = await runCli(['run', li, '--out', join(dir, 'checkpoints_all')]);

    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).not.toMatch(STACK_LINE);
  });

  it('keeps its run when the data folder is moved elsewhere', async () => {
    const { dir, hi } = await twoFiles();
    expect((await runCli(['run', hi])).code).toBe(0);
    const moved = join(tempDir(), 'elsewhere');
    renameSync(dir, moved);

    const again = await runCli(['run', join(moved, 'HI-Small_Trans.csv')]);

    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('loaded from checkpoints: data_loaded');
  });
});
