import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { AbortedError, OptionError } from '../src/errors.js';
import { exportRun } from '../src/export/index.js';
import { runMixedFixture } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

// Trial F (session 18): an embedding job could not stop an export (exportRun took no signal).

const tempDir = useTempDirs('export-abort');
const sharedDir = useSharedTempDirs('export-abort-run');

let finished: string;
beforeAll(async () => {
  finished = join(sharedDir(), 'run');
  await runMixedFixture(finished);
});

/**
 * A signal that reads as aborted from its `after`-th look on: a stop that lands between two
 * record batches, wherever the export is, without racing a timer.
 */
function abortedAfter(after: number): AbortSignal {
  let looks = 0;
  return {
    get aborted() {
      looks++;
      return looks > after;
    },
    reason: new Error('deploy'),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  } as unknown as AbortSignal;
}

const FORMATS = ['npy', 'csv', 'multignn'] as const;

describe('exportRun with an AbortSignal', () => {
  it.each(FORMATS)('%s stops between batches and leaves no file of its own', async (format) => {
    const target = join(tempDir(), 'export');

    const error = (await exportRun(finished, format, target, {
      signal: abortedAfter(2),
    }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(AbortedError);
    expect(error.message).toBe('export aborted: deploy');
    expect(existsSync(target)).toBe(false);
  });

  it('leaves the files an earlier export put in the folder as they were', async () => {
    const target = join(tempDir(), 'export');
    mkdirSync(target);
    writeFileSync(join(target, 'edges.csv'), 'an earlier export\n');

    const error = await exportRun(finished, 'csv', target, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AbortedError);
    expect(readdirSync(target)).toEqual(['edges.csv']);
  });

  it('completes with a signal that is never aborted', async () => {
    const result = await exportRun(finished, 'csv', join(tempDir(), 'export'), {
      signal: new AbortController().signal,
    });

    expect(result.files.length).toBe(3);
  });

  it('refuses a signal that is not an AbortSignal', async () => {
    await expect(
      exportRun(finished, 'npy', undefined, { signal: 'stop' as never }),
    ).rejects.toThrow(new OptionError('options.signal must be an AbortSignal, got "stop"'));
  });
});
