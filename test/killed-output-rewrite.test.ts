// Trial FF (session 25): a rerun with another --seed, SIGKILLed while graph_created replaced
// the outputs, left the new train_resampled.arrow beside the old manifest.json, and
// readOutputs without `verify` handed the mix on. A run now removes the manifest before it
// replaces a file the manifest describes: after a kill at any moment, a reader either finds
// no manifest (and says the run has not finished) or a manifest every file matches.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AbortedError, InputError, readOutputs, run } from '../src/index.js';
import { killAt } from './helpers/kill.js';
import { sampleRunArgs, sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('killed-output-rewrite');

describe('a rerun stopped while it replaces the outputs', () => {
  it('leaves no manifest to read the new files with', async () => {
    const out = tempDir();
    await run(sampleRunOptions(out, 5000));
    const stop = new AbortController();

    // Stopped as graph_created starts: the writers finish the files they began, and the run
    // ends before its manifest, as a kill there would.
    const stopped = await run({
      ...sampleRunOptions(out, 5000),
      seed: 7,
      signal: stop.signal,
      onProgress: (e) => {
        if (e.kind === 'step-start' && e.step === 'graph_created') stop.abort();
      },
    }).catch((error: unknown) => error);

    expect(stopped).toBeInstanceOf(AbortedError);
    await expect(readOutputs(out)).rejects.toThrow(
      `${join(out, 'manifest.json')}: cannot read (ENOENT); ${out} holds the checkpoints of a ` +
        'run that has not finished writing its outputs: rerun it to finish',
    );
    const rerun = await run({ ...sampleRunOptions(out, 5000), seed: 7 });
    expect(rerun.steps.find((s) => s.step === 'graph_created')?.how).toBe('computed');
    await expect(readOutputs(out, { verify: true })).resolves.toBeDefined();
  }, 60_000);

  it.each([0, 120])(
    'leaves no manifest beside files of another run (kill %i ms into graph_created)',
    async (delayMs) => {
      const base = tempDir();
      await run(sampleRunOptions(base, 5000));
      const out = join(tempDir(), 'rerun');
      cpSync(base, out, { recursive: true });

      const kill = await killAt([...sampleRunArgs(out, 5000), '--seed', '7'], out, {
        afterLine: /graph_created: start/,
        delayMs,
      });

      const read = await readOutputs(out).then(
        () => null,
        (error: unknown) => error,
      );
      if (read !== null) {
        expect(read).toBeInstanceOf(InputError);
        expect((read as Error).message).toContain(
          'holds the checkpoints of a run that has not finished writing its outputs: rerun it',
        );
        expect(existsSync(join(out, 'manifest.json'))).toBe(false);
      } else {
        // Read whole, so every file must be the one the manifest describes.
        await expect(readOutputs(out, { verify: true })).resolves.toBeDefined();
      }
      expect(kill.killed.code === 0 || kill.interrupted).toBe(true);
    },
    60_000,
  );
});
