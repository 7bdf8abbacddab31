// A spill read back value by value, with and without reusing each column's memory, gives the
// values that were written: row r, column c holds 1000·r + c here.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { blockCount, blockRange, SpillReader, writeBlock } from '../../src/spill/edge-spill.js';
import type { EdgeSpill } from '../../src/spill/edge-spill.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('spill-reader');

/** 7 rows, 3 columns, blocks of 3 rows: two whole blocks and a last one of 1 row. */
function writtenSpill(): EdgeSpill {
  const spill: EdgeSpill = { path: join(tempDir(), 'x.spill'), rows: 7, cols: 3, blockRows: 3 };
  const fd = openSync(spill.path, 'w');
  for (let k = 0; k < blockCount(spill); k++) {
    const { from, to } = blockRange(spill, k);
    const n = to - from;
    const data = new Float64Array(n * spill.cols);
    for (let c = 0; c < spill.cols; c++) {
      for (let r = from; r < to; r++) data[c * n + (r - from)] = 1000 * r + c;
    }
    writeBlock(fd, spill, k, { rows: n, cols: spill.cols, data });
  }
  closeSync(fd);
  return spill;
}

function readAll(reader: SpillReader): number[] {
  const out: number[] = [];
  for (let r = 0; r < 7; r++) for (let c = 0; c < 3; c++) out.push(reader.value(c, r));
  return out;
}

describe('SpillReader', () => {
  const expected = Array.from({ length: 21 }, (_, i) => 1000 * Math.floor(i / 3) + (i % 3));

  it('reads every value of every block in row order', () => {
    expect(readAll(new SpillReader(writtenSpill()))).toEqual(expected);
  });

  it('reads the same values when it reuses each column memory', () => {
    expect(readAll(new SpillReader(writtenSpill(), { reuse: true }))).toEqual(expected);
  });

  it('keeps a returned column view intact while it reads the next block, without reuse', () => {
    const reader = new SpillReader(writtenSpill());
    const first = reader.column(1, 0, 3);

    reader.column(1, 3, 6);

    expect([...first]).toEqual([1, 1001, 2001]);
  });
});
