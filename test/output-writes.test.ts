import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { tableFromIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';

import { AbortedError } from '../src/errors.js';
import { BATCH_ROWS, writeArrowFile, writeArrowFileAsync } from '../src/output/arrow-file.js';
import { sourceOf, type ColumnSpec } from '../src/output/column-specs.js';
import { WorkerPool } from '../src/pool/worker-pool.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Output files are written on pool threads as well as on the coordinator (src/output/outputs.ts).
// Whichever thread writes, the bytes must be the same, and a stop request must leave nothing.

const tempDir = useTempDirs('output-writes');
const pools: WorkerPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function shared(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

/** Two batches' worth of rows, every column kind a file uses. */
function columns(rows: number): ColumnSpec[] {
  const x = shared(rows);
  const ts = shared(rows);
  const codes = new Int32Array(new SharedArrayBuffer(rows * 4));
  for (let r = 0; r < rows; r++) {
    x[r] = (r % 97) * 0.25;
    ts[r] = 1_662_000_000 + 60 * r;
    codes[r] = (r % 3) - 1;
  }
  return [
    { kind: 'i64', name: 'id', values: ts.map((_, r) => r) },
    { kind: 'timestamps', name: 'timestamp', values: ts },
    { kind: 'f64', name: 'x', values: x },
    { kind: 'z', name: 'x_z', values: x, mean: 12, std: 4 },
    { kind: 'dictionary', name: 'kind', codes, shift: 1, words: ['', 'A', 'B'], id: 0 },
  ];
}

describe('an output file written on a pool thread', () => {
  it('has the same bytes as one written on the coordinator', async () => {
    const dir = tempDir();
    const rows = BATCH_ROWS + 5;
    const pool = new WorkerPool(1);
    pools.push(pool);
    const stop = new Int32Array(new SharedArrayBuffer(4));

    const here = await writeArrowFileAsync(join(dir, 'a.arrow'), rows, columns(rows).map(sourceOf));
    const there = await pool.run<{ sha256: string; bytes: number }>({
      kind: 'write-arrow',
      path: join(dir, 'b.arrow'),
      rows,
      columns: columns(rows),
      stop,
    });

    expect(there.sha256).toBe(here.sha256);
    const same = readFileSync(join(dir, 'b.arrow')).equals(readFileSync(join(dir, 'a.arrow')));
    expect(same).toBe(true);
    // The z column and the shifted codes, read back: (x - 12) / 4 and the words by code + 1.
    const table = tableFromIPC(readFileSync(join(dir, 'b.arrow')));
    expect(table.numRows).toBe(rows);
    expect(table.getChild('x_z')!.get(98)).toBe((0.25 - 12) / 4);
    expect([0, 1, 2].map((r) => table.getChild('kind')!.get(r))).toEqual(['', 'A', 'B']);
  });

  it('holds each batch its own computed values, though columns reuse one buffer', async () => {
    const dir = tempDir();
    const rows = 2 * BATCH_ROWS + 3;
    await writeArrowFile(join(dir, 'a.arrow'), rows, columns(rows).map(sourceOf));

    const table = tableFromIPC(readFileSync(join(dir, 'a.arrow')));
    expect(table.batches.length).toBe(3);
    const id = table.getChild('id')!;
    const ts = table.getChild('timestamp')!;
    const z = table.getChild('x_z')!;
    const kind = table.getChild('kind')!;
    const words = ['', 'A', 'B'];
    let wrong = 0;
    // Every row, worked out from the column definitions in `columns` above.
    for (let r = 0; r < rows; r++) {
      const ok =
        id.get(r) === BigInt(r) &&
        ts.get(r) === (1_662_000_000 + 60 * r) * 1000 &&
        z.get(r) === ((r % 97) * 0.25 - 12) / 4 &&
        kind.get(r) === words[r % 3];
      if (!ok) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('a stop request during an output write', () => {
  it('ends a write between batches with AbortedError and no file left', async () => {
    const dir = tempDir();
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);

    const rows = 2 * BATCH_ROWS;
    const error = await writeArrowFile(
      join(dir, 'a.arrow'),
      rows,
      columns(rows).map(sourceOf),
      stop,
    )
      .then(() => null)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AbortedError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('ends a pool-thread write with AbortedError rebuilt on the coordinator', async () => {
    const dir = tempDir();
    const pool = new WorkerPool(1);
    pools.push(pool);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);

    const rows = 2 * BATCH_ROWS;
    const error = await pool
      .run({ kind: 'write-arrow', path: join(dir, 'a.arrow'), rows, columns: columns(rows), stop })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).code).toBe('ERR_AMLPREP_ABORTED');
    expect(existsSync(join(dir, 'a.arrow'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
