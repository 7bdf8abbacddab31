import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { CheckedArrowFile } from '../../src/output/checked-arrow-file.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('checked-arrow-file');

/** An Arrow IPC file of one record batch of `rows` float64 values, 8 bytes each. */
function writeFile(rows: number): string {
  const path = join(tempDir(), 'one-batch.arrow');
  const values = Float64Array.from({ length: rows }, (_, i) => i / 4);
  writeFileSync(path, tableToIPC(tableFromArrays({ x: values }), 'file'));
  return path;
}

describe('a checked Arrow file', () => {
  it('reads its batch as written', async () => {
    const file = await CheckedArrowFile.open(writeFile(1000));
    try {
      const batch = await file.batch(0);
      expect(batch.numRows).toBe(1000);
      expect(batch.getChild('x')!.get(999)).toBe(249.75);
    } finally {
      await file.close();
    }
  });

  // Session 20's note: Arrow JS reads a batch's body in a loop until it has every byte, and
  // a read at the end of a file returns none; a file cut short after it was opened had that
  // loop await reads of nothing without end.
  it('refuses a batch whose file was cut short after it was opened', async () => {
    const path = writeFile(100_000);
    const file = await CheckedArrowFile.open(path);
    try {
      truncateSync(path, 400_000);
      await expect(file.batch(0)).rejects.toThrow(/cut short/);
    } finally {
      await file.close();
    }
  }, 10_000);
});
