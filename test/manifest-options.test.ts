import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli } from './helpers/cli.js';
import { sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// manifest.json says how its outputs were made. A rerun that changes options later steps
// depend on reuses the earlier steps' checkpoints, whose records hold the first run's options:
// the manifest must still give this run's.

const tempDir = useTempDirs('manifest-options');

function manifestOptions(out: string): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    options: Record<string, unknown>;
  };
  return manifest.options;
}

describe('the options in manifest.json', () => {
  it('are the rerun’s own when it reuses earlier steps with other options', async () => {
    const out = tempDir();
    expect((await runCli(sampleRunArgs(out))).code).toBe(0);
    expect(manifestOptions(out)).toMatchObject({ seed: 42, imbalance: 'smote' });

    const changed = ['--seed', '7', '--imbalance', 'undersample', '--split', '0.5,0.3,0.2'];
    const rerun = await runCli([...sampleRunArgs(out).filter((a) => a !== '2'), '1', ...changed]);

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/data_loaded .*loaded from checkpoint/);
    expect(manifestOptions(out)).toMatchObject({
      seed: 7,
      imbalance: 'undersample',
      split: '0.5,0.3,0.2',
    });
  });

  it('are the same for runs that differ only in their number of workers', async () => {
    const [one, two] = [tempDir(), tempDir()];

    const runs = [
      await runCli([...sampleRunArgs(one).slice(0, -2), '--workers', '1']),
      await runCli(sampleRunArgs(two)),
    ];

    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(manifestOptions(one)).toEqual(manifestOptions(two));
    expect(manifestOptions(one)).not.toHaveProperty('workers');
  });
});
