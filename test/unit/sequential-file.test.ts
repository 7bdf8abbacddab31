import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { OutputError } from '../../src/errors.js';
import { writeArrowFile } from '../../src/output/arrow-file.js';
import { sourceOf, type ColumnSpec } from '../../src/output/column-specs.js';
import { SequentialFile } from '../../src/output/direct-file.js';
import { useTempDirs } from '../helpers/temp-dir.js';

// Output files bypass the page cache where the system allows it, which changes how bytes
// reach the disk (aligned blocks, a padded last block cut back) but must not change a byte.

const tempDir = useTempDirs('sequential-file');

/** Bytes from a small linear congruential generator: no runs the padding could hide in. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Writes `data` in pieces of the given sizes, cycling through them. */
async function writeInPieces(path: string, data: Uint8Array, sizes: number[], direct: boolean) {
  const file = new SequentialFile(path, { staging: 8192, direct });
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, data.length - at);
    await file.write(data.subarray(at, at + n));
    at += n;
  }
  await file.finish();
  await file.close();
  return file.direct;
}

describe('a file written front to back in pieces', () => {
  const lengths = [0, 1, 511, 4095, 4096, 4097, 8191, 8192, 8193, 3 * 8192 + 100, 100_003];

  it.each(lengths)(
    'holds exactly the %i bytes given, direct or through the cache',
    async (length) => {
      const dir = tempDir();
      const data = noise(length, length + 7);
      for (const direct of [true, false]) {
        const path = join(dir, `f-${direct}`);
        await writeInPieces(path, data, [1, 3000, 5, 8192, 20_000, 17], direct);
        expect(Buffer.compare(readFileSync(path), Buffer.from(data))).toBe(0);
      }
    },
  );

  it('replaces a longer file of the same name instead of keeping its tail', async () => {
    const path = join(tempDir(), 'f');
    await writeInPieces(path, noise(50_000, 1), [4096], true);
    const data = noise(9000, 2);
    await writeInPieces(path, data, [333], true);
    expect(Buffer.compare(readFileSync(path), Buffer.from(data))).toBe(0);
  });

  it('says whether the page cache was bypassed, and never when told not to', async () => {
    const dir = tempDir();
    expect(await writeInPieces(join(dir, 'a'), noise(10, 3), [10], false)).toBe(false);
    expect(typeof (await writeInPieces(join(dir, 'b'), noise(10, 3), [10], true))).toBe('boolean');
  });

  it('refuses a staging size that direct writes could not use', () => {
    expect(() => new SequentialFile(join(tempDir(), 'f'), { staging: 1000 })).toThrow(/4096/);
  });
});

describe('an Arrow file written directly', () => {
  it('has the same bytes and values as one written through the page cache', async () => {
    const dir = tempDir();
    const rows = 70_001;
    const x = Float64Array.from({ length: rows }, (_, r) => (r % 101) / 8);
    const specs: ColumnSpec[] = [
      { kind: 'f64', name: 'x', values: x },
      { kind: 'z', name: 'x_z', values: x, mean: 6, std: 2 },
      { kind: 'i8', name: 'y', values: Int8Array.from({ length: rows }, (_, r) => r % 2) },
    ];
    const direct = join(dir, 'direct.arrow');
    const cached = join(dir, 'cached.arrow');
    const a = await writeArrowFile(direct, rows, specs.map(sourceOf), undefined, { staging: 4096 });
    const b = await writeArrowFile(cached, rows, specs.map(sourceOf), undefined, { direct: false });

    expect(Buffer.compare(readFileSync(direct), readFileSync(cached))).toBe(0);
    expect(a.sha256).toBe(b.sha256);
    const table = tableFromIPC(readFileSync(direct));
    expect(table.numRows).toBe(rows);
    expect(table.getChild('x_z')!.get(rows - 1)).toBe((((rows - 1) % 101) / 8 - 6) / 2);
  });
});

// Second fresh-user trial: temporary names were opened without O_EXCL, so a symlink planted
// at `edges.arrow.tmp` (an output folder on a world-writable tmpfs root) had its target
// overwritten; a folder there ended in an internal error.
describe("something already at an output file's temporary name", () => {
  const specs = (): ColumnSpec[] => [{ kind: 'f64', name: 'x', values: Float64Array.of(1, 2) }];

  it.each([true, false])('is a symlink replaced, never followed (direct: %s)', async (direct) => {
    const dir = tempDir();
    const victim = join(tempDir(), 'victim.txt');
    writeFileSync(victim, 'not yours');
    const path = join(dir, 'edges.arrow');
    symlinkSync(victim, `${path}.tmp`);

    await writeArrowFile(path, 2, specs().map(sourceOf), undefined, { direct });

    expect(readFileSync(victim, 'utf8')).toBe('not yours');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(tableFromIPC(readFileSync(path)).numRows).toBe(2);
  });

  it('is a folder that fails the write with a message, and stays', async () => {
    const dir = tempDir();
    const path = join(dir, 'edges.arrow');
    mkdirSync(`${path}.tmp`);

    const error = await writeArrowFile(path, 2, specs().map(sourceOf))
      .then(() => null)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe(`cannot write ${path} (EISDIR: a folder is in the way)`);
    expect(lstatSync(`${path}.tmp`).isDirectory()).toBe(true);
  });
});
