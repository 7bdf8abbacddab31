import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exportRun, inspectRun, run } from '../src/index.js';
import { rng } from './helpers/rng.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

// Trial L (session 19): bytes of edges.arrow changed after the run decode into values no run
// writes (a time of -9e18, a split code past the three), and inspect and export failed on
// them with "internal error" (a RangeError, TypeErrors in the tallies) before the SHA-256
// check could say the file was changed. Now the reader hashes the files when its own code
// fails, and names the one that differs.

const sharedDir = useSharedTempDirs('damaged-outputs-read');

/** A copy of `from` whose `file` has 0xFF written at 64 places drawn with `seed`. */
function damagedCopy(from: string, seed: number, file: string): string {
  const dir = join(sharedDir(), `seed-${seed}`);
  cpSync(from, dir, { recursive: true });
  const path = join(dir, file);
  const bytes = readFileSync(path);
  const draw = rng(seed);
  for (let i = 0; i < 64; i++) bytes[1000 + Math.floor(draw() * (bytes.length - 2000))] = 0xff;
  writeFileSync(path, bytes);
  return dir;
}

describe('outputs whose bytes were changed after the run', () => {
  let finished = '';

  beforeAll(async () => {
    finished = sharedDir();
    await run(sampleRunOptions(finished));
  });

  // Trial O (session 20): changed node ids made an npy export say "nodes.arrow: row 224 holds
  // node_id 0; x.npy needs the nodes in node_id order", not that the file was changed.
  it.each(['edges.arrow', 'nodes.arrow'])(
    'are named as changed by inspect and export, never as an internal error: %s',
    async (file) => {
      const failures: string[] = [];
      for (let seed = 1; seed <= 6; seed++) {
        const dir = damagedCopy(finished, seed, file);
        const calls = [
          () => inspectRun(dir),
          () => exportRun(dir, 'csv', join(dir, 'csv')),
          () => exportRun(dir, 'npy', join(dir, 'npy')),
        ];
        for (const call of calls) {
          const error = await call().then(
            () => null,
            (e: unknown) => e,
          );
          if (error === null) continue;
          expect(error, `seed ${seed}`).toMatchObject({ code: 'ERR_AMLPREP_INPUT' });
          const message = (error as Error).message;
          expect(message, `seed ${seed}`).toContain(`${file}: SHA-256 `);
          expect(message, `seed ${seed}`).toContain('; the file was changed');
          failures.push(message);
        }
      }

      // Some of the damage makes amlprep's own code fail as it reads: said after the hash.
      expect(failures.some((m) => m.includes(', and reading it failed ('))).toBe(true);
    },
  );
});
