import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run } from '../src/index.js';
import { columnValues, readArrow } from './helpers/arrow.js';
import { runCli, STACK_LINE } from './helpers/cli.js';
import { parseCsvRecords } from './helpers/csv.js';
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
