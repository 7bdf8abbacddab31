import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exportRun, type Manifest } from '../src/index.js';
import { NpyFile, npyHeader } from '../src/export/npy.js';
import { commitAfter } from '../src/export/atomic-file.js';
import { readArrow } from './helpers/arrow.js';
import { runMixedFixture } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('npy');
const sharedDir = useSharedTempDirs('npy-run');

/** Bytes from a readable list: strings as latin1 text, numbers as single bytes. */
function bytes(...parts: (string | number[])[]): Buffer {
  return Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );
}

/** A reader written from the NPY 1.0 description, independent of the writer under test. */
function readNpy(path: string): { descr: string; shape: number[]; data: Buffer } {
  const file = readFileSync(path);
  expect([...file.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const length = file[8]! + 256 * file[9]!;
  const header = file.toString('latin1', 10, 10 + length);
  expect((10 + length) % 64).toBe(0);
  expect(header.endsWith('\n')).toBe(true);
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const dims = /'shape': \(([^)]*)\)/.exec(header)![1]!;
  expect(header).toContain("'fortran_order': False");
  const shape = dims
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  return { descr, shape, data: file.subarray(10 + length) };
}

function f8(data: Buffer): number[] {
  return Array.from({ length: data.length / 8 }, (_, i) => data.readDoubleLE(i * 8));
}

function i8s(data: Buffer): number[] {
  return Array.from({ length: data.length / 8 }, (_, i) => Number(data.readBigInt64LE(i * 8)));
}

describe('npy format', () => {
  it('writes a 2 x 3 float64 array byte for byte as NPY 1.0', async () => {
    const path = join(tempDir(), 'a.npy');
    const file = new NpyFile(path, '<f8', [2, 3]);
    await commitAfter([file.file], () => {
      file.put(0, new Float64Array([1, 2, 3, 4, 5, 6]));
      file.checkFull();
    });

    // 10-byte preamble + 59-byte dict + 58 spaces + '\n' = 128 bytes; length field 118 = 0x76.
    const expected = bytes(
      [0x93],
      'NUMPY',
      [0x01, 0x00],
      [0x76, 0x00],
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
      ' '.repeat(58),
      '\n',
      [0, 0, 0, 0, 0, 0, 0xf0, 0x3f], // 1.0
      [0, 0, 0, 0, 0, 0, 0x00, 0x40], // 2.0
      [0, 0, 0, 0, 0, 0, 0x08, 0x40], // 3.0
      [0, 0, 0, 0, 0, 0, 0x10, 0x40], // 4.0
      [0, 0, 0, 0, 0, 0, 0x14, 0x40], // 5.0
      [0, 0, 0, 0, 0, 0, 0x18, 0x40], // 6.0
    );
    expect(readFileSync(path)).toEqual(expected);
  });

  it('writes a one-dimensional bool array with a trailing comma in its shape', () => {
    // 10 + 57 + 60 spaces + 1 = 128; header length 118.
    expect(npyHeader('|b1', [3])).toEqual(
      bytes(
        [0x93],
        'NUMPY',
        [0x01, 0x00],
        [0x76, 0x00],
        "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
        ' '.repeat(60),
        '\n',
      ),
    );
  });

  it('writes an int64 array filled out of order, second row first', async () => {
    const path = join(tempDir(), 'b.npy');
    const file = new NpyFile(path, '<i8', [2, 2]);
    await commitAfter([file.file], () => {
      file.put(16, new BigInt64Array([3n, -1n]));
      file.put(0, new BigInt64Array([7n, 256n]));
      file.checkFull();
    });
    const data = readFileSync(path).subarray(128);
    expect(data).toEqual(
      bytes(
        [7, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 0, 0, 0],
        [3, 0, 0, 0, 0, 0, 0, 0],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      ),
    );
  });

  it('leaves no file under the real name when the work fails', async () => {
    const dir = tempDir();
    const file = new NpyFile(join(dir, 'c.npy'), '|i1', [4]);
    await expect(
      commitAfter([file.file], () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(() => readFileSync(join(dir, 'c.npy'))).toThrow(/ENOENT/);
    expect(() => readFileSync(join(dir, 'c.npy.tmp'))).toThrow(/ENOENT/);
  });
});

describe('export --format npy', () => {
  let runDir = '';
  let outDir = '';
  let manifest: Manifest;

  beforeAll(async () => {
    runDir = sharedDir();
    await runMixedFixture(runDir);
    manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    outDir = (await exportRun(runDir, 'npy')).out;
  });

  it('writes into <dir>/npy by default', () => {
    expect(outDir).toBe(join(runDir, 'npy'));
  });

  it('builds x from the z-scores of scaled node features and the raw flags and codes', () => {
    const x = readNpy(join(outDir, 'x.npy'));
    const nodes = readArrow(join(runDir, 'nodes.arrow'));
    // 21 node features: 17 continuous (as _z), 3 flags and entity_type (raw).
    expect(x.descr).toBe('<f8');
    expect(x.shape).toEqual([nodes.numRows, 21]);
    const values = f8(x.data);
    const expectColumn = (c: number, name: string) => {
      const column = [...nodes.getChild(name)!] as number[];
      expect(column.map((_, r) => values[r * 21 + c])).toEqual(column);
    };
    expectColumn(0, 'transaction_count_z');
    expectColumn(12, 'uses_crypto');
    expectColumn(15, 'out_degree_z');
    expectColumn(20, 'entity_type');
  });

  it('puts sources in the first row of edge_index and targets in the second', () => {
    const index = readNpy(join(outDir, 'edge_index.npy'));
    const edges = readArrow(join(runDir, 'edges.arrow'));
    expect(index.descr).toBe('<i8');
    expect(index.shape).toEqual([2, 20]);
    const ids = i8s(index.data);
    expect(ids.slice(0, 20)).toEqual([...edges.getChild('src')!]);
    expect(ids.slice(20)).toEqual([...edges.getChild('dst')!]);
  });

  it('gives edge_attr the 20 model-input columns in feature order', () => {
    const attr = readNpy(join(outDir, 'edge_attr.npy'));
    const info = JSON.parse(readFileSync(join(outDir, 'arrays.json'), 'utf8')) as Record<
      string,
      { columns: string[] }
    >;
    expect(attr.shape).toEqual([20, 20]);
    expect(info['edge_attr.npy']!.columns).toEqual([
      'hour_sin_z',
      'hour_cos_z',
      'day_sin_z',
      'day_cos_z',
      'month_sin_z',
      'month_cos_z',
      'amount_paid_log_z',
      'amount_received_log_z',
      'amount_ratio_z',
      'currency',
      'format',
      'bank',
      'received_currency',
      'is_self_transfer',
      'is_cross_currency',
      'time_z',
      'in_port',
      'out_port',
      'in_time_delta_z',
      'out_time_delta_z',
    ]);
    expect(info['edge_attr.npy']!.columns).toEqual(
      manifest.columns.trainResampled.filter((c) => c.role !== 'label').map((c) => c.name),
    );
    const edges = readArrow(join(runDir, 'edges.arrow'));
    const values = f8(attr.data);
    const currency = [...edges.getChild('currency')!] as number[];
    expect(currency.map((_, r) => values[r * 20 + 9])).toEqual(currency);
  });

  it('writes labels as int8 and the day-based split as three boolean masks', () => {
    // mixed.csv: four rows a day over five days; days 1-3 train, 4 validation, 5 test.
    // Labels by row: 0 0 1 1 | 0 1 0 0 | 1 0 0 0 | 1 0 0 0 | 1 0 0 0.
    const y = readNpy(join(outDir, 'y.npy'));
    expect(y.descr).toBe('|i1');
    expect([...y.data]).toEqual([0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    const mask = (name: string) => {
      const m = readNpy(join(outDir, name));
      expect(m.descr).toBe('|b1');
      return [...m.data];
    };
    const days = (...on: number[]) =>
      Array.from({ length: 20 }, (_, r) => (on.includes(Math.floor(r / 4)) ? 1 : 0));
    expect(mask('train_mask.npy')).toEqual(days(0, 1, 2));
    expect(mask('val_mask.npy')).toEqual(days(3));
    expect(mask('test_mask.npy')).toEqual(days(4));
  });

  it('writes the resampled training set with its labels', () => {
    const x = readNpy(join(outDir, 'train_resampled_x.npy'));
    const y = readNpy(join(outDir, 'train_resampled_y.npy'));
    // 12 train rows (8 of class 0, 4 of class 1); SMOTE adds 4 of class 1.
    expect(x.shape).toEqual([16, 20]);
    expect([...y.data].filter((v) => v === 1)).toHaveLength(8);
  });
});
