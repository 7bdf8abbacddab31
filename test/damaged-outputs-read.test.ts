import {
  appendFileSync,
  cpSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exportRun, inspectRun, readOutputs, run, UnreadableOutputError } from '../src/index.js';
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

  // Trial DD (session 24): the README says UnreadableOutputError is for an output whose
  // contents are not what its manifest says, yet a size or SHA-256 difference, or another
  // run's file, was a plain InputError without `reason`.
  it('is refused as UnreadableOutputError, its reason apart from the path', async () => {
    const grown = join(sharedDir(), 'grown');
    cpSync(finished, grown, { recursive: true });
    const edges = join(grown, 'edges.arrow');
    const written = statSync(edges).size;
    appendFileSync(edges, Buffer.from([0]));
    const rewritten = damagedCopy(finished, 7, 'nodes.arrow');

    const bySize = await readOutputs(grown).catch((e: unknown) => e);
    const byHash = await readOutputs(rewritten, { verify: true }).catch((e: unknown) => e);

    const sizeReason =
      `${written + 1} bytes, not the ${written} in manifest.json; ` + 'the file was changed';
    expect(bySize).toBeInstanceOf(UnreadableOutputError);
    expect(bySize).toMatchObject({ reason: sizeReason, message: `${edges}: ${sizeReason}` });
    expect(byHash).toBeInstanceOf(UnreadableOutputError);
    const { reason, message } = byHash as UnreadableOutputError;
    expect(reason).toMatch(/^SHA-256 [0-9a-f]{12}… differs from the [0-9a-f]{12}… in manifest/);
    expect(message.startsWith(`${join(rewritten, 'nodes.arrow')}: SHA-256 `)).toBe(true);
  });

  // Trial EE (session 24): one flipped bit in a column name of the file's footer was said as
  // the manifest listing another name; the file is the one that changed.
  it('with a column name changed in its footer is named as changed, by its SHA-256', async () => {
    const dir = join(sharedDir(), 'footer');
    cpSync(finished, dir, { recursive: true });
    const path = join(dir, 'train_resampled.arrow');
    const bytes = readFileSync(path);
    const at = bytes.lastIndexOf('day_cos_z');
    expect(at).toBeGreaterThan(bytes.length / 2);
    bytes[at + 1] = 'x'.charCodeAt(0);
    writeFileSync(path, bytes);

    const error = await exportRun(dir, 'npy', join(dir, 'npy')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnreadableOutputError);
    const { reason } = error as UnreadableOutputError;
    expect(reason).toMatch(/^SHA-256 [0-9a-f]{12}… differs from the [0-9a-f]{12}… in manifest/);
    expect(reason).toContain('; the file was changed, and reading it failed (column ');
    expect(reason).toContain('"dxy_cos_z", but manifest.json lists "day_cos_z")');
  });

  // Trial EE (session 24): export blamed the manifest ("more than its 100 bytes could hold;
  // the manifest was edited") for an edges.arrow cut to 100 bytes.
  it.each(['csv', 'npy', 'multignn'] as const)(
    'cut short is named as the changed file by a %s export',
    async (format) => {
      const cut = join(sharedDir(), `cut-${format}`);
      cpSync(finished, cut, { recursive: true });
      const edges = join(cut, 'edges.arrow');
      const written = statSync(edges).size;
      truncateSync(edges, 100);

      const error = await exportRun(cut, format, join(cut, 'out')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UnreadableOutputError);
      expect((error as UnreadableOutputError).reason).toBe(
        `100 bytes, not the ${written} in manifest.json; the file was changed`,
      );
    },
  );
});
