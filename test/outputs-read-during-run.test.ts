import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError } from '../src/errors.js';
import { exportRun } from '../src/export/index.js';
import { inspectRun } from '../src/inspect/inspect.js';
import { readOutputs } from '../src/read-outputs.js';
import { copyWithFlippedEdges } from './helpers/arrow.js';
import { runMixedFixture } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

// Trial E (session 18): `export` while a rerun was replacing the outputs said only that a
// file "was changed", which reads as damage; a run holding the folder is now said too.

const tempDir = useTempDirs('read-during-run');
const sharedDir = useSharedTempDirs('read-during-run-base');

let finished: string;
// A live process of this host stands in for the run that holds the folder.
const holder = spawn('sleep', ['60']);
beforeAll(async () => {
  finished = join(sharedDir(), 'run');
  await runMixedFixture(finished);
});
afterAll(() => {
  holder.kill('SIGKILL');
});

function heldCopy(): string {
  const dir = join(tempDir(), 'run');
  copyWithFlippedEdges(finished, dir);
  const lock = { pid: holder.pid, host: hostname(), startedAt: '2026-12-05T20:00:00.000Z' };
  writeFileSync(join(dir, 'amlprep.lock'), JSON.stringify(lock));
  return dir;
}

describe('reading a run’s outputs while a run holds the folder', () => {
  const readers = [
    ['readOutputs', (dir: string) => readOutputs(dir, { verify: true })],
    ['exportRun', (dir: string) => exportRun(dir, 'csv', join(tempDir(), 'csv'))],
  ] as const;
  const running = (dir: string) =>
    `a run is writing ${dir} now: pid ${holder.pid}, started 2026-12-05T20:00:00.000Z; ` +
    'read it once that run has finished';

  it.each(readers)('%s says a run is writing the folder beside the reason', async (_, read) => {
    const dir = heldCopy();

    const error = (await read(dir).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('edges.arrow');
    expect(error.message).toContain(`(${running(dir)})`);
  });

  it('inspectRun adds it to the differences it reports', async () => {
    const dir = heldCopy();

    const { warnings } = await inspectRun(dir);

    expect(warnings.some((w) => w.includes('edges.arrow'))).toBe(true);
    expect(warnings.at(-1)).toBe(running(dir));
  });

  // Trial G (session 18): a run that held the folder as the read began, and finished before
  // the difference was found, had left the lock, and nothing was said.
  it('says so of a run that held the folder as the read began and has finished since', async () => {
    const dir = heldCopy();

    const reading = readOutputs(dir, { verify: true }).catch((e: unknown) => e);
    // The run ends (its lock goes) while the files are being hashed.
    rmSync(join(dir, 'amlprep.lock'));
    const error = (await reading) as Error;

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `(a run was writing ${dir} as this read began: pid ${holder.pid}, started ` +
        '2026-12-05T20:00:00.000Z; it has finished, so read it again)',
    );
  });

  // Trial II (session 25): a folder a run was rewriting, its manifest retired, was said to
  // hold a run that had not finished ("rerun it to finish") and a run writing it, both.
  it.each([
    ['readOutputs', (dir: string) => readOutputs(dir)],
    ['inspectRun', (dir: string) => inspectRun(dir)],
    ['exportRun', (dir: string) => exportRun(dir, 'csv', join(tempDir(), 'csv'))],
  ] as const)(
    '%s says only that a run is writing a folder whose manifest it retired',
    async (_, read) => {
      const dir = heldCopy();
      rmSync(join(dir, 'manifest.json'));

      const error = (await read(dir).catch((e: unknown) => e)) as Error;

      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `${join(dir, 'manifest.json')}: cannot read (ENOENT); ${running(dir)}`,
      );
    },
  );

  it('says nothing of a run when the lock is a dead process’s', async () => {
    const dir = heldCopy();
    const stale = { pid: 4_194_000, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dir, 'amlprep.lock'), JSON.stringify(stale));

    const error = (await readOutputs(dir, { verify: true }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).not.toContain('a run is writing');
  });
});
