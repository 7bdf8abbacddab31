// Second fresh-user trial (session 16): an async onProgress that rejected left an unhandled
// rejection, and Node ended the caller's process mid-run with the output folder locked. A
// listener's failure, thrown or rejected, is the listener's: the run goes on.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { run, type ProgressListener } from '../src/index.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('progress-listener');
const unhandled: unknown[] = [];
const note = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', note);
  unhandled.length = 0;
});

describe('a progress listener that fails', () => {
  it.each([
    ['rejects (an async listener)', true],
    ['throws', false],
  ])('%s does not stop the run or reach the caller', async (_how, async) => {
    process.on('unhandledRejection', note);
    const out = tempDir();
    let events = 0;
    const broke = () => new Error(`listener broke at event ${events}`);
    const onProgress: ProgressListener = async
      ? async () => {
          events++;
          await Promise.resolve();
          throw broke();
        }
      : () => {
          events++;
          throw broke();
        };

    const result = await run({ ...sampleRunOptions(out), onProgress });
    // Rejections not handled by the end of a turn are reported on the next ones.
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(unhandled).toEqual([]);
    expect(events).toBeGreaterThan(7);
    expect(result.steps.map((s) => s.step)).toContain('graph_created');
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);
  });
});
