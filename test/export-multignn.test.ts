import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { exportRun, run, type Manifest } from '../src/index.js';
import { fromLog } from '../src/export/amount-text.js';
import { MULTIGNN_HEADER, timeOrder } from '../src/export/export-multignn.js';
import { readArrow } from './helpers/arrow.js';
import { bufferIo } from './helpers/buffer-io.js';
import { REPO } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

const sharedDir = useSharedTempDirs('multignn');
const fixture = join(REPO, 'test', 'fixtures', 'tiny');

/**
 * mixed.csv row by row, read off the file by hand: edge_id, sender, receiver, seconds since
 * the first transaction (2022-09-01 00:05), Amount Paid, Payment Currency, Amount Received,
 * Receiving Currency, Payment Format, Is Laundering.
 */
type Row = [number, string, string, number, string, string, string, string, string, number];
const USD = 'US Dollar';
const EXPECTED: Row[] = [
  [0, '0010/100A', '0020/200B', 0, '500.00', USD, '500.00', USD, 'ACH', 0],
  [1, '0020/200B', '0020/200B', 30_300, '75.25', USD, '75.25', USD, 'Reinvestment', 0],
  [2, '0030/300C', '0040/400D', 49_200, '1300.00', USD, '1200.00', 'Euro', 'Wire', 1],
  [3, '0040/400D', '0050/500E', 83_100, '0.015', 'Bitcoin', '0.015', 'Bitcoin', 'Bitcoin', 1],
  [4, '0010/100A', '0020/200B', 93_300, '250.00', USD, '250.00', USD, 'ACH', 0],
  [5, '0050/500E', '0030/300C', 119_400, '980.00', 'Euro', '980.00', 'Euro', 'Wire', 1],
  [6, '0020/200B', '0010/100A', 119_400, '60.00', USD, '60.00', USD, 'Cheque', 0],
  [7, '0060/600,F', '0010/100A', 150_900, '45.50', USD, '45.50', USD, 'Credit Card', 0],
  [8, '0030/300C', '0040/400D', 177_900, '2000.00', USD, '2000.00', USD, 'ACH', 1],
  [9, '0010/100A', '0060/600,F', 212_100, '12.00', USD, '12.00', USD, 'Cash', 0],
  [10, '0010/100A', '0060/600,F', 212_100, '12.00', USD, '12.00', USD, 'Cash', 0],
  [11, '0070/700G', '0020/200B', 245_700, '330.00', 'Yuan', '330.00', 'Yuan', 'Wire', 0],
  [12, '0040/400D', '0050/500E', 273_300, '0.02', 'Bitcoin', '0.02', 'Bitcoin', 'Bitcoin', 1],
  [13, '0020/200B', '0070/700G', 295_500, '88.00', USD, '88.00', USD, 'ACH', 0],
  [14, '0010/100A', '0010/100A', 312_900, '1000.00', USD, '1000.00', USD, 'Reinvestment', 0],
  [15, '0050/500E', '0030/300C', 340_800, '400.00', 'Euro', '400.00', 'Euro', 'ACH', 0],
  [16, '0030/300C', '0080/800H', 370_440, '150.00', 'Rupee', '150.00', 'Rupee', 'Wire', 1],
  [17, '0020/200B', '0010/100A', 370_500, '20.00', USD, '20.00', USD, 'Cheque', 0],
  [18, '0080/800H', '0030/300C', 388_500, '.5', USD, '5.', USD, 'ACH', 0],
  [19, '010/100A', '0020/200B', 431_699, '9.99', USD, '9.99', USD, 'ACH', 0],
];

async function runMixed(transactions: string): Promise<string> {
  const out = sharedDir();
  await run({
    transactions,
    accounts: join(fixture, 'mixed-accounts.csv'),
    out,
    chunkSize: 4,
    workers: 1,
  });
  return out;
}

function readLines(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
}

describe('export --format multignn', () => {
  let runDir = '';
  let manifest: Manifest;
  let nodeKey: string[] = [];

  beforeAll(async () => {
    runDir = await runMixed(join(fixture, 'mixed.csv'));
    manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    const nodes = readArrow(join(runDir, 'nodes.arrow'));
    const banks = [...nodes.getChild('bank')!] as string[];
    nodeKey = ([...nodes.getChild('account')!] as string[]).map((a, i) => `${banks[i]}/${a}`);
  });

  it('writes the Multi-GNN header and one line per transaction in time order', async () => {
    const result = await exportRun(runDir, 'multignn');
    const lines = readLines(join(result.out, 'formatted_transactions.csv'));
    expect(lines[0]!.join(',')).toBe(MULTIGNN_HEADER);
    expect(MULTIGNN_HEADER).toBe(
      'EdgeID,from_id,to_id,Timestamp,Amount Sent,Sent Currency,' +
        'Amount Received,Received Currency,Payment Format,Is Laundering',
    );

    const currency = manifest.dictionaries.currency!;
    const format = manifest.dictionaries.format!;
    const got = lines.slice(1).map((l) => {
      const n = l.map(Number);
      return [
        n[0],
        nodeKey[n[1]!],
        nodeKey[n[2]!],
        n[3],
        l[4],
        currency[n[5]!],
        l[6],
        currency[n[7]!],
        format[n[8]!],
        n[9],
      ];
    });
    expect(got).toEqual(EXPECTED);
    expect(result.notes[0]).toContain('mixed.csv');
  });

  it('rebuilds amounts from the logs when asked, to the same numbers', async () => {
    const result = await exportRun(runDir, 'multignn', join(sharedDir(), 'derived'), {
      amounts: 'derived',
    });
    const lines = readLines(join(result.out, 'formatted_transactions.csv')).slice(1);
    expect(lines.map((l) => Number(l[4]))).toEqual(EXPECTED.map((e) => Number(e[4])));
    expect(lines.map((l) => Number(l[6]))).toEqual(EXPECTED.map((e) => Number(e[6])));
    expect(lines[18]![4]).toBe('0.5');
    expect(result.notes[0]).toContain('(0 rows where they do not also reproduce amount_ratio)');
  });

  it('refuses a transactions file given with derived amounts, which read none', async () => {
    await expect(
      exportRun(runDir, 'multignn', join(sharedDir(), 'both'), {
        amounts: 'derived',
        transactions: join(fixture, 'mixed.csv'),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_AMLPREP_OPTION',
      message:
        "options.transactions is not read with options.amounts 'derived' (the amounts are " +
        'rebuilt from edges.arrow): give one or the other',
    });
  });

  it('refuses a transactions file other than the one the run read', async () => {
    await expect(
      exportRun(runDir, 'multignn', join(sharedDir(), 'x'), {
        transactions: join(fixture, 'features.csv'),
      }),
    ).rejects.toThrow(/not the transactions file the run read.*options\.amounts 'derived'/s);
  });

  it('explains how to go on when the transactions file is gone', async () => {
    await expect(
      exportRun(runDir, 'multignn', join(sharedDir(), 'y'), {
        transactions: join(sharedDir(), 'gone.csv'),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_AMLPREP_INPUT',
      message: /cannot open.*options\.transactions, or options\.amounts 'derived'/s,
    });
  });

  // Trial BB (session 23): the library's message named the CLI's flags.
  it('names the flags on the command line where the library names its options', async () => {
    const gone = join(sharedDir(), 'gone.csv');
    const io = bufferIo();

    const args = [
      '--format',
      'multignn',
      '--out',
      join(sharedDir(), 'cli'),
      '--transactions',
      gone,
    ];
    const code = await main(['export', runDir, ...args], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/cannot open.*give the file the run read as --transactions F, or /s);
    expect(io.err()).toContain('--amounts derived to rebuild them from amount_paid_log\n');
    expect(io.err()).not.toContain('options.');
  });

  // Session 19: a data folder moved with its default output folder left the recorded path
  // dangling, and the export asked for --transactions although the file sat beside the run.
  it('finds the transactions file beside a moved default output folder', async () => {
    const data = join(sharedDir(), 'data');
    mkdirSync(data);
    copyFileSync(join(fixture, 'mixed.csv'), join(data, 'mixed.csv'));
    await run({
      transactions: join(data, 'mixed.csv'),
      accounts: join(fixture, 'mixed-accounts.csv'),
      chunkSize: 4,
      workers: 1,
    });
    const moved = join(sharedDir(), 'moved');
    renameSync(data, moved);

    const result = await exportRun(join(moved, 'checkpoints_all'), 'multignn');
    const named = await exportRun(runDir, 'multignn', join(sharedDir(), 'named'));

    expect(result.notes[0]).toBe(
      `${join(data, 'mixed.csv')}, recorded in manifest.json, is gone: read ` +
        `${join(moved, 'mixed.csv')} beside the run`,
    );
    const csv = (r: { out: string }) => readFileSync(join(r.out, 'formatted_transactions.csv'));
    expect(csv(result).equals(csv(named))).toBe(true);
  });

  it('sorts an out-of-order file by time, ties by edge id', async () => {
    // mixed.csv with its data rows reversed: row r of the copy is row 19 - r of the original.
    const text = readFileSync(join(fixture, 'mixed.csv'), 'utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = text.split(/\r?\n/).filter((l) => l !== '');
    const reversed = join(sharedDir(), 'reversed.csv');
    writeFileSync(reversed, `${[header, ...rows.reverse()].join('\n')}\n`);
    const dir = await runMixed(reversed);

    const result = await exportRun(dir, 'multignn');
    const lines = readLines(join(result.out, 'formatted_transactions.csv')).slice(1);
    const ids = lines.map((l) => Number(l[0]));
    // Original ties 5/6 and 9/10 become 14/13 and 10/9; each pair is listed by edge id.
    expect(ids).toEqual([19, 18, 17, 16, 15, 13, 14, 12, 11, 9, 10, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});

describe('Multi-GNN helpers', () => {
  it('orders by timestamp and then by edge id', () => {
    const ts = new Float64Array([50, 30, 30, 10]);
    expect([...timeOrder(ts, new Float64Array([0, 1, 2, 3]))]).toEqual([3, 1, 2, 0]);
    const sorted = timeOrder(new Float64Array([1, 2, 2]), new Float64Array([4, 5, 6]));
    expect([...sorted]).toEqual([0, 1, 2]);
  });

  it('rebuilds the shortest decimal that gives the same ln(1 + x)', () => {
    expect(fromLog(Math.log1p(1300))).toBe('1300');
    expect(fromLog(Math.log1p(45.5))).toBe('45.5');
    expect(fromLog(Math.log1p(0.015))).toBe('0.015');
    expect(fromLog(Math.log1p(906_272_000_000.12))).toBe('906272000000.12');
    expect(fromLog(0)).toBe('0');
  });
});
