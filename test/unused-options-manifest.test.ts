// Trial FF (session 25): with --imbalance none, a rerun given another --seed or --smote-ratio
// loaded every step and kept a manifest recording the first run's values, which a fresh run
// with the rerun's options does not record. Neither is read with none: the manifest records
// both as null, so any two runs with none write the same manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { readOutputs, run, type ProgressEvent, type RunOptions } from '../src/index.js';
import { OUTPUT_FILES } from '../src/output/outputs.js';
import { bufferIo } from './helpers/buffer-io.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('unused-options-manifest');

/** The manifest without what differs between any two runs: its time and the steps' ways. */
function manifestOf(out: string): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  delete manifest.createdAt;
  delete manifest.steps;
  return manifest;
}

async function runNoting(options: RunOptions) {
  const events: ProgressEvent[] = [];
  const result = await run({ ...options, onProgress: (e) => events.push(e) });
  return { result, events };
}

describe('a rerun with --imbalance none given another seed or ratio', () => {
  it('reuses every step and keeps the manifest a fresh run with its options writes', async () => {
    const base = { transactions: SAMPLE.transactions, chunkSize: 5000, imbalance: 'none' };
    const out = join(tempDir(), 'out');
    await run({ ...base, out, seed: 3, smoteRatio: 0.3 } as RunOptions);
    const dry = bufferIo();
    const argv = ['run', SAMPLE.transactions, '--out', out, '--chunk-size', '5000'];
    expect(await main([...argv, '--imbalance', 'none', '--seed', '4', '--dry-run'], dry)).toBe(0);
    expect(dry.out()).toMatch(/graph_created .* reuse \(if the outputs/);

    const { result, events } = await runNoting({ ...base, out, seed: 4 } as RunOptions);
    const fresh = join(tempDir(), 'fresh');
    await run({ ...base, out: fresh, seed: 4 } as RunOptions);

    expect(result.resumed).toHaveLength(7);
    expect(events.some((e) => e.kind === 'note' && e.message.startsWith('rewriting'))).toBe(false);
    expect(manifestOf(out)).toEqual(manifestOf(fresh));
    // Neither is read with none: recorded as such, whatever was given.
    expect(manifestOf(out).options).toMatchObject({
      imbalance: 'none',
      seed: null,
      smoteRatio: null,
    });
    for (const file of Object.values(OUTPUT_FILES)) {
      expect(readFileSync(join(out, file)).equals(readFileSync(join(fresh, file))), file).toBe(
        true,
      );
    }
    // The readers take a ratio of null with none.
    await expect(readOutputs(out, { verify: true })).resolves.toBeDefined();
  }, 60_000);
});
