// Fresh-user report (session 9): a --seed 7 rerun of a finished seed-42 folder, stopped
// during graph_created, left status listing all seven steps as done, though graph_created's
// record (and the outputs) were the seed-42 ones. Such a record is now shown as stale.
import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { run, status } from '../src/index.js';
import { bufferIo } from './helpers/buffer-io.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('status-stale');

/** A seed-42 run, then a seed-7 run stopped once `stopAfter` is recorded. */
async function folderWithStaleGraph(stopAfter = 'weights'): Promise<string> {
  const out = tempDir();
  await run({ ...sampleRunOptions(out), seed: 42 });
  const controller = new AbortController();
  await run({
    ...sampleRunOptions(out),
    seed: 7,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.kind === 'step-end' && e.step === stopAfter) controller.abort();
    },
  }).catch(() => undefined);
  return out;
}

describe('status after options changed and a run stopped part way', () => {
  it('marks the records made on top of an older earlier step as stale', async () => {
    const out = await folderWithStaleGraph();

    const steps = await status(out);

    expect(steps.map((s) => [s.step, s.record !== null, s.stale])).toEqual([
      ['data_loaded', true, false],
      ['node_features', true, false],
      ['edge_features', true, false],
      ['normalized', true, false],
      ['imbalanced', true, false],
      ['weights', true, false],
      ['graph_created', true, true],
    ]);
    expect(steps[4]!.record!.options).toMatchObject({ seed: 7 });
    expect(steps[6]!.record!.options).toMatchObject({ seed: 42 });
  }, 60_000);

  it('says so on the command line', async () => {
    const out = await folderWithStaleGraph();
    const io = bufferIo();

    expect(await main(['status', out], io)).toBe(0);

    expect(io.out()).toMatch(/^graph_created +stale /m);
    expect(io.out()).toContain('made before weights was last computed');
    expect(io.out()).toMatch(/^weights +done /m);
  }, 60_000);

  it('marks every later record stale, not only the first one after the change', async () => {
    // Stopped after imbalanced: weights was made on the seed-42 resampling, and graph_created
    // on that weights record, which is itself out of date.
    const out = await folderWithStaleGraph('imbalanced');

    const steps = await status(out);
    const io = bufferIo();
    expect(await main(['status', out], io)).toBe(0);

    expect(steps.map((s) => s.stale)).toEqual([false, false, false, false, false, true, true]);
    expect(io.out()).toContain('made before imbalanced was last computed');
    expect(io.out()).toContain('made on top of the stale weights');
  }, 60_000);
});
