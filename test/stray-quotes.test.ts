import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run } from '../src/index.js';
import { columnValues, readArrow } from './helpers/arrow.js';
import { runCli, STACK_LINE } from './helpers/cli.js';
import { parseCsvRecords } from './helpers/csv.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// SPEC §1, RFC 4180: a quote may only open a field. A stray one (`AC"H`) must not open a
// "quoted" stretch that swallows the rows after it: the row is a bad row, alone.

const tempDir = useTempDirs('stray-quotes');

const HEADER =
  'Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,' +
  'Amount Paid,Payment Currency,Payment Format,Is Laundering';
const row = (minute: number, format: string, label = 0) =>
  `2022/09/01 00:${String(minute).padStart(2, '0')},010,A${minute},020,B,1.00,Euro,1.00,Euro,` +
  `${format},${label}`;

/** Rows on lines 2-9; lines 4 and 5 hold one stray quote each, which once paired up. */
const LINES = [
  HEADER,
  row(0, 'ACH'),
  row(1, 'Cash', 1),
  row(2, 'AC"H'),
  row(3, 'A"CH', 1),
  row(4, 'Wire'),
  row(5, 'ACH'),
  row(6, 'Cash', 1),
  row(7, 'Wire'),
];

function files(dir: string) {
  const transactions = join(dir, 'tx.csv');
  writeFileSync(transactions, `${LINES.join('\n')}\n`);
  const accounts = join(dir, 'accounts.csv');
  const names = ['Corporation "Alpha #1', 'Sole Proprietorship #2', 'Partnership Beta" #5'];
  const accountRows = names.map((name, i) => `Bank,10,A${i},E${i},${name}`);
  writeFileSync(
    accounts,
    `Bank Name,Bank ID,Account Number,Entity ID,Entity Name\n${accountRows.join('\n')}\n`,
  );
  return { transactions, accounts };
}

describe('a stray quote', () => {
  it('stops the run at its line by default, naming the reason, without a stack trace', async () => {
    const dir = tempDir();
    const { transactions } = files(dir);

    const result = await runCli(['run', transactions, '--out', join(dir, 'out')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${transactions}:4`);
    expect(result.stderr).toContain('stray quote');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it.each([1, 3, 100])(
    'with skip, sets aside its rows alone and keeps the rest (chunks of %i)',
    async (chunkSize) => {
      const dir = tempDir();
      const { transactions, accounts } = files(dir);
      const out = join(dir, 'out');

      await run({ transactions, accounts, out, chunkSize, onBadRow: 'skip', workers: 2 });

      // Lines 4, 5 (transactions) and 2, 4 (accounts) are bad; six transactions stay.
      const rejected = parseCsvRecords(readFileSync(join(out, 'rejected_rows.csv'), 'utf8'));
      expect(rejected.map((r) => [r.file, Number(r.line), r.reason])).toEqual([
        [accounts, 2, expect.stringContaining('stray quote')],
        [accounts, 4, expect.stringContaining('stray quote')],
        [transactions, 4, expect.stringContaining('stray quote')],
        [transactions, 5, expect.stringContaining('stray quote')],
      ]);
      const edges = readArrow(join(out, 'edges.arrow'));
      expect(edges.numRows).toBe(6);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(manifest.dictionaries.format).toEqual(['ACH', 'Cash', 'Wire']);
      expect(manifest.load.accounts.rows).toBe(1);
      const nodes = readArrow(join(out, 'nodes.arrow'));
      expect(columnValues(nodes, 'account')).toContain('A1');
    },
  );
});

// Trial W (session 22): a field of a lone quote on one line and a stray quote 399 lines later
// made one bad row of 400 lines, 399 of them good rows, shown as "skipped 1 bad row" at its
// first line. RFC 4180 lets a quoted field hold line breaks, so that is the row; its reason
// and the warning now say how many lines it holds.
describe('a bad row that a quoted field spreads over several lines', () => {
  const sample = readFileSync(SAMPLE.transactions, 'utf8').trimEnd().split('\n');

  /** The sample's first 600 data rows; data line `open` gets a lone quote as its format. */
  function spliced(dir: string, open: number, stray: number | null): string {
    const lines = sample.slice(0, 601);
    const fields = (n: number) => lines[n - 1]!.split(',');
    const opened = fields(open);
    opened[9] = '"';
    lines[open - 1] = opened.join(',');
    if (stray !== null) {
      const closed = fields(stray);
      closed[9] = `${closed[9]}"x`;
      lines[stray - 1] = closed.join(',');
    }
    const path = join(dir, 'tx.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('names the lines it holds, with skip, in its reason and in the warning', async () => {
    const dir = tempDir();
    const transactions = spliced(dir, 102, 501);
    const out = join(dir, 'out');
    const warnings: string[] = [];

    await run({
      transactions,
      out,
      chunkSize: 50,
      onBadRow: 'skip',
      onProgress: (e) => void (e.kind === 'warning' && warnings.push(e.message)),
    });

    const rejected = parseCsvRecords(readFileSync(join(out, 'rejected_rows.csv'), 'utf8'));
    const reason =
      'stray quote (a quote inside an unquoted field, or text after a closing quote); a ' +
      'quoted field opened on this line holds line breaks, so this one row is lines 102 to ' +
      '501 (400 lines)';
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([['102', reason]]);
    expect(rejected[0]!.row!.split('\n')).toHaveLength(400);
    // 600 rows, 400 of them in the bad one.
    expect(readArrow(join(out, 'edges.arrow')).numRows).toBe(200);
    expect(warnings).toEqual([
      `skipped 1 bad row (1 in ${transactions}); it holds 400 lines, as a quoted field holds ` +
        `line breaks; the first, ${transactions} line 102: ${reason}; all are listed in ` +
        `${join(out, 'rejected_rows.csv')}`,
    ]);
  });

  it('stops the run with the lines it holds', async () => {
    const dir = tempDir();
    const transactions = spliced(dir, 10, 12);

    const result = await runCli(['run', transactions, '--out', join(dir, 'out')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `\namlprep: ${transactions}:10: stray quote (a quote inside an unquoted field, or text ` +
        'after a closing quote); a quoted field opened on this line holds line breaks, so ' +
        'this one row is lines 10 to 12 (3 lines)\n',
    );
  });

  it('runs to the end of the file when its quote never closes', async () => {
    const dir = tempDir();
    const transactions = spliced(dir, 590, null);

    const result = await runCli(['run', transactions, '--out', join(dir, 'out')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${transactions}:590: unterminated quoted field; a quoted field opened on this line ` +
        'holds line breaks, so this one row is lines 590 to 601 (12 lines)',
    );
  });

  it('is named as such in the accounts file too, and counted in the warning', async () => {
    const dir = tempDir();
    const { transactions } = files(dir);
    const accounts = join(dir, 'accounts.csv');
    writeFileSync(
      accounts,
      'Bank Name,Bank ID,Account Number,Entity ID,Entity Name\n' +
        'Bank,10,A0,E0,Corp"oration #0\n' +
        'Bank,10,A1,E1,"Corporation #1\n' +
        'Bank,10,A2,E2,Sole Proprietorship #2\n' +
        'Bank,10,A3,E3,Partnership #5"x\n',
    );
    const warnings: string[] = [];

    await run({
      transactions,
      accounts,
      out: join(dir, 'out'),
      onBadRow: 'skip',
      onProgress: (e) => void (e.kind === 'warning' && warnings.push(e.message)),
    });

    expect(warnings[0]).toContain(
      `skipped 4 bad rows (2 in ${accounts}, 2 in ${transactions}); they hold 6 lines, as a ` +
        `quoted field holds line breaks (the first such row: ${accounts} line 3); the first, ` +
        `${accounts} line 2: stray quote (a quote inside an unquoted field, or text after a ` +
        'closing quote); all are listed in',
    );
    const list = readFileSync(join(dir, 'out', 'rejected_rows.csv'), 'utf8');
    expect(parseCsvRecords(list)[1]!.reason).toBe(
      'stray quote (a quote inside an unquoted field, or text after a closing quote); a ' +
        'quoted field opened on this line holds line breaks, so this one row is lines 3 to 5 ' +
        '(3 lines)',
    );
  });
});
