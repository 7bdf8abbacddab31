import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exportRun, run } from '../src/index.js';
import { csvField, formatNumber } from '../src/export/export-csv.js';
import { readArrow } from './helpers/arrow.js';
import { parseCsv } from './helpers/csv.js';
import { REPO } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

const sharedDir = useSharedTempDirs('csv');
const fixture = join(REPO, 'test', 'fixtures', 'tiny');

describe('export --format csv', () => {
  let runDir = '';
  let out = '';

  beforeAll(async () => {
    runDir = sharedDir();
    await run({
      transactions: join(fixture, 'mixed.csv'),
      accounts: join(fixture, 'mixed-accounts.csv'),
      patterns: join(fixture, 'mixed-patterns.txt'),
      out: runDir,
      chunkSize: 4,
      workers: 1,
      // Line 13 of the patterns file matches no transaction (bank `040`), a bad row.
      onBadRow: 'skip',
    });
    out = join(sharedDir(), 'csv');
    await exportRun(runDir, 'csv', out);
  });

  it('writes one CSV per Arrow file with the same header and row count', () => {
    for (const [csv, arrow] of [
      ['nodes.csv', 'nodes.arrow'],
      ['edges.csv', 'edges.arrow'],
      ['train_resampled.csv', 'train_resampled.arrow'],
    ] as const) {
      const rows = parseCsv(readFileSync(join(out, csv), 'utf8'));
      const table = readArrow(join(runDir, arrow));
      expect(rows[0]).toEqual(table.schema.names);
      expect(rows).toHaveLength(table.numRows + 1);
    }
  });

  it('quotes an account that holds a comma and keeps bank spellings as text', () => {
    const rows = parseCsv(readFileSync(join(out, 'nodes.csv'), 'utf8'));
    const text = readFileSync(join(out, 'nodes.csv'), 'utf8');
    const accounts = rows.slice(1).map((r) => `${r[1]}/${r[2]}`);
    expect(accounts).toContain('0060/600,F');
    expect(accounts).toContain('010/100A');
    expect(text).toContain(',"600,F",');
  });

  it('writes timestamps as ISO 8601 UTC and dictionaries as their text', () => {
    const rows = parseCsv(readFileSync(join(out, 'edges.csv'), 'utf8'));
    const head = rows[0]!;
    const first = rows[1]!;
    const last = rows[20]!;
    expect(first[head.indexOf('timestamp')]).toBe('2022-09-01T00:05:00Z');
    expect(last[head.indexOf('timestamp')]).toBe('2022-09-05T23:59:59Z');
    expect(first[head.indexOf('split')]).toBe('train');
    expect(last[head.indexOf('split')]).toBe('test');
    expect(first[head.indexOf('typology')]).toBe('');
  });

  it('writes every float so that it reads back to the same double', () => {
    const rows = parseCsv(readFileSync(join(out, 'edges.csv'), 'utf8'));
    const table = readArrow(join(runDir, 'edges.arrow'));
    const head = rows[0]!;
    for (const name of ['amount_paid_log', 'hour_sin_z', 'time_z', 'amount_ratio']) {
      const column = [...table.getChild(name)!] as number[];
      expect(rows.slice(1).map((r) => Number(r[head.indexOf(name)]))).toEqual(column);
    }
  });

  it('formats numbers and fields the way pandas reads them back', () => {
    expect(formatNumber(0.1)).toBe('0.1');
    expect(formatNumber(-0)).toBe('-0');
    expect(formatNumber(1e21)).toBe('1e+21');
    expect(formatNumber(Number.NaN)).toBe('nan');
    expect(formatNumber(-Infinity)).toBe('-inf');
    expect(csvField('a "b"')).toBe('"a ""b"""');
    expect(csvField('plain')).toBe('plain');
  });
});
