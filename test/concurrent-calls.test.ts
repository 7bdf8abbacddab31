import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { OutputError } from '../src/errors.js';
import { exportRun } from '../src/export/index.js';
import { generate } from '../src/generate/index.js';
import {
  removeTempFilesSince,
  trackedTempFiles,
  trackTempFile,
  untrackTempFile,
} from '../src/temp-files.js';
import { sha256File } from './helpers/hash.js';
import { runMixedFixture } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

// Trial F (session 18): two generate() calls of one process to one path shared a temporary
// file. One rejected with a bare ENOENT; the other resolved with `bytes` and `seed` of its
// own while the file on disk was the first one's. Two exports to one folder did the same.

const tempDir = useTempDirs('concurrent-calls');
const sharedDir = useSharedTempDirs('concurrent-calls-run');

const small = (out: string, seed: number) =>
  ({ rows: 20_000, accounts: 500, out, seed, overwrite: true }) as const;

describe('two generate() calls to one path at once', () => {
  it('refuses the second, and the file is the first one’s', async () => {
    const dir = tempDir();
    const out = join(dir, 'tx.csv');
    const alone = join(dir, 'alone.csv');
    await generate(small(alone, 42));

    const [first, second] = await Promise.allSettled([
      generate(small(out, 42)),
      generate(small(out, 1)),
    ]);

    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const error = (second as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(OutputError);
    expect(error.message).toContain(`${out} is being written by another generate() call`);
    expect(sha256File(out)).toBe(sha256File(alone));
    expect(readdirSync(dir).sort()).toEqual(['alone.csv', 'tx.csv']);
  });

  it('lets the path be written again once the first has settled', async () => {
    const dir = tempDir();
    const out = join(dir, 'tx.csv');
    const other = join(dir, 'seed-1.csv');
    await Promise.allSettled([generate(small(out, 42)), generate(small(out, 1))]);

    const again = await generate(small(out, 1));
    await generate(small(other, 1));

    expect(again.seed).toBe(1);
    expect(sha256File(out)).toBe(sha256File(other));
  });

  it('writes different paths side by side', async () => {
    const dir = tempDir();
    const results = await Promise.all([
      generate(small(join(dir, 'a.csv'), 7)),
      generate(small(join(dir, 'b.csv'), 7)),
    ]);

    expect(results.map((r) => r.bytes.transactions)).toEqual([
      results[0]!.bytes.transactions,
      results[0]!.bytes.transactions,
    ]);
    expect(sha256File(join(dir, 'a.csv'))).toBe(sha256File(join(dir, 'b.csv')));
  });
});

describe('two exports at once', () => {
  let finished: string;
  beforeAll(async () => {
    finished = join(sharedDir(), 'run');
    await runMixedFixture(finished);
  });

  it('refuses a second export to the same folder, and the first completes', async () => {
    const target = join(tempDir(), 'csv');
    const alone = join(tempDir(), 'csv');
    const expected = await exportRun(finished, 'csv', alone);

    const [first, second] = await Promise.allSettled([
      exportRun(finished, 'csv', target),
      exportRun(finished, 'csv', target),
    ]);

    expect(first.status).toBe('fulfilled');
    const error = (second as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(OutputError);
    expect(error.message).toContain(`${target} is being written by another exportRun() call`);
    const names = readdirSync(target).sort();
    expect(names).toEqual(readdirSync(alone).sort());
    for (const name of names) {
      expect(sha256File(join(target, name)), name).toBe(sha256File(join(alone, name)));
    }
    expect(expected.files.length).toBe(names.length);
  });

  it('a failing export removes only the temporary files in its own folder', () => {
    const mine = join(tempDir(), 'mine');
    const theirs = join(tempDir(), 'theirs');
    mkdirSync(mine);
    mkdirSync(theirs);
    const before = trackedTempFiles();
    const files = [join(theirs, 'edges.csv.tmp'), join(mine, 'edges.csv.tmp')];
    for (const file of files) {
      writeFileSync(file, 'partly written');
      trackTempFile(file);
    }

    try {
      removeTempFilesSince(before, mine);

      expect(readdirSync(mine)).toEqual([]);
      expect(readdirSync(theirs)).toEqual(['edges.csv.tmp']);
    } finally {
      for (const file of files) untrackTempFile(file);
    }
  });
});
