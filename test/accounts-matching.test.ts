import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { run, type RunResult } from '../src/index.js';
import { columnValues, readArrow } from './helpers/arrow.js';
import { parseCsvRecords } from './helpers/csv.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

// SPEC §2: an accounts row matches transaction nodes by bank id without leading zeros and
// account; unmatched rows become nodes as the accounts file spells them; a repeated account
// is a bad row. Every expected value below is worked out by hand from the two files.

const dir = useSharedTempDirs('accounts-matching');

const TRANSACTIONS = [
  'Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,' +
    'Amount Paid,Payment Currency,Payment Format,Is Laundering',
  '2022/09/01 00:00,010,A,020,B,10.00,US Dollar,10.00,US Dollar,Cheque,0',
  '2022/09/01 00:05,0010,A,020,B,20.00,US Dollar,20.00,US Dollar,Cheque,1',
].join('\n');

const ACCOUNTS = [
  'Bank Name,Bank ID,Account Number,Entity ID,Entity Name',
  /* line 2 */ 'Bank Ten,10,A,E1,Corporation #1',
  /* line 3 */ 'Bank Twenty,020,B,E2,Individual',
  /* line 4 */ 'Bank Seven,007,C,E3,Partnership #3',
  /* line 5 */ 'Bank Seven,7,C,E4,Trust #4',
  /* line 6 */ 'Bank Zero,0,Z,E5,',
  /* line 7 */ 'Bank Zeros,000,Y,E6,Sole Proprietorship #6',
].join('\n');

describe('matching the accounts file', () => {
  let result: RunResult;
  let out: string;

  beforeAll(async () => {
    const base = dir();
    writeFileSync(join(base, 'tx.csv'), `${TRANSACTIONS}\n`);
    writeFileSync(join(base, 'accounts.csv'), `${ACCOUNTS}\n`);
    out = join(base, 'out');
    result = await run({
      transactions: join(base, 'tx.csv'),
      accounts: join(base, 'accounts.csv'),
      out,
      workers: 1,
      onBadRow: 'skip',
    });
  });

  it('keeps unmatched rows as nodes with the bank id as the accounts file writes it', () => {
    // Transaction nodes first (010/A, 020/B, 0010/A), then unmatched rows in file order.
    const nodes = readArrow(join(out, 'nodes.arrow'));
    expect(columnValues(nodes, 'bank')).toEqual(['010', '020', '0010', '007', '0', '000']);
    expect(columnValues(nodes, 'account')).toEqual(['A', 'B', 'A', 'C', 'Z', 'Y']);
  });

  it('gives every node the type of its row, and both spellings of one account the same', () => {
    // Types sorted: Corporation 0, Individual 1, Partnership 2, Sole Proprietorship 3; the
    // duplicate row's Trust is not a type, and an empty name gives -1.
    const nodes = readArrow(join(out, 'nodes.arrow'));
    expect(columnValues(nodes, 'entity_type')).toEqual([0, 1, 0, 2, -1, 3]);
    const manifest = JSON.parse(readFileSync(result.outputs.manifest, 'utf8'));
    expect(manifest.dictionaries.entity_type).toEqual([
      'Corporation',
      'Individual',
      'Partnership',
      'Sole Proprietorship',
    ]);
  });

  it('reports the counts and the account two bank spellings share', () => {
    const manifest = JSON.parse(readFileSync(result.outputs.manifest, 'utf8'));
    expect(manifest.load.accounts).toMatchObject({
      rows: 5,
      matched: 2,
      unmatched: 3,
      nodesWithoutAccount: 0,
      collisions: [{ account: 'A', spellings: ['010', '0010'] }],
    });
  });

  it('sets a repeated account aside, naming the line it repeats', () => {
    const rejected = parseCsvRecords(readFileSync(join(out, 'rejected_rows.csv'), 'utf8'));
    expect(rejected.map((r) => [Number(r.line), r.reason])).toEqual([
      [5, 'duplicate account 7/C (first at line 4)'],
    ]);
  });
});

describe('side files with nothing to use', () => {
  // Fresh-user report (session 12): both were taken in silence.
  it('says so for a header-only accounts file and an empty patterns file', async () => {
    const base = dir();
    writeFileSync(join(base, 'tx.csv'), `${TRANSACTIONS}\n`);
    writeFileSync(join(base, 'accounts.csv'), `${ACCOUNTS.split('\n')[0]}\n`);
    writeFileSync(join(base, 'patterns.txt'), '');
    const notes: string[] = [];

    await run({
      transactions: join(base, 'tx.csv'),
      accounts: join(base, 'accounts.csv'),
      patterns: join(base, 'patterns.txt'),
      out: join(base, 'out'),
      workers: 1,
      onProgress: (event) => {
        if (event.kind === 'note') notes.push(event.message);
      },
    });

    expect(notes).toContain(
      `${join(base, 'accounts.csv')}: no account rows to use; no node gets an entity type`,
    );
    expect(notes).toContain(
      `${join(base, 'patterns.txt')}: no BEGIN/END LAUNDERING ATTEMPT blocks; no typologies`,
    );
  });
});
