// Trial FF (session 25): with --imbalance none, a rerun given another --seed or --smote-ratio
// loaded every step and kept a manifest recording the first run's values, which a fresh run
// with the rerun's options does not record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { run, type ProgressEvent, type RunOptions } from '../src/index.js';
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
  it('writes the manifest a fresh run with its options writes, reusing every step', async () => {
    const base = { transactions: SAMPLE.transactions, chunkSize: 5000, imbalance: 'none' };
    const out = join(tempDir(), 'out');
    await run({ ...base, out, seed: 3, smoteRatio: 0.3 } as RunOptions);
    const said =
      'manifest.json records --smote-ratio 0.3 and --seed 3; this run was given ' +
      '--smote-ratio 1 and --seed 4';
    const dry = bufferIo();
    const argv = ['run', SAMPLE.transactions, '--out', out, '--chunk-size', '5000'];
    expect(await main([...argv, '--imbalance', 'none', '--seed', '4', '--dry-run'], dry)).toBe(0);
    expect(dry.out()).toContain(`compute (${said})`);

    const { result, events } = await runNoting({ ...base, out, seed: 4 } as RunOptions);
    const fresh = join(tempDir(), 'fresh');
    await run({ ...base, out: fresh, seed: 4 } as RunOptions);

    expect(events).toContainEqual({
      kind: 'note',
      step: null,
      message: `rewriting all outputs: ${said}`,
    });
    const how = Object.fromEntries(result.steps.map((s) => [s.step, s.how]));
    expect(how).toMatchObject({ imbalanced: 'loaded', graph_created: 'computed' });
    expect(manifestOf(out)).toEqual(manifestOf(fresh));
    expect((manifestOf(out).options as Record<string, unknown>).seed).toBe(4);
    for (const file of Object.values(OUTPUT_FILES)) {
      expect(readFileSync(join(out, file)).equals(readFileSync(join(fresh, file))), file).toBe(
        true,
      );
    }
    // The same options again: nothing is written.
    const again = await runNoting({ ...base, out, seed: 4 } as RunOptions);
    expect(again.result.resumed).toHaveLength(7);
    const rewriting = again.events.filter(
      (e) => e.kind === 'note' && e.message.startsWith('rewriting'),
    );
    expect(rewriting).toEqual([]);
  }, 60_000);
});
