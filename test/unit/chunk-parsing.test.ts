// SPEC §2, §11, §12: a chunk parses into typed columns with chunk-local dictionaries in order
// of first appearance (sender before receiver); malformed records are rejected with a reason
// and the physical line on which they start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { parseChunk, type ParsedChunk } from '../../src/ingest/parse-chunk.js';

const HEADER =
  'Timestamp,From Bank,Account,To Bank,Account,Amount Received,' +
  'Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering';

const dir = mkdtempSync(join(tmpdir(), 'amlprep-unit-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;

/** Writes header + rows joined by `eol`, and a span over every record (blank lines aside). */
function chunkFile(rows: string[], eol = '\n', records = rows.filter((r) => r !== '').length) {
  const path = join(dir, `c${files++}.csv`);
  const head = HEADER + eol;
  const content = head + rows.join(eol) + eol;
  writeFileSync(path, content);
  const span = {
    index: 0,
    start: Buffer.byteLength(head),
    end: Buffer.byteLength(content),
    firstLine: 2,
    firstRow: 0,
    rows: records,
  };
  return { path, span };
}

/**
 * The chunk's local accounts as [bank, account]. A key is `bank,account`, or `bank NUL account`
 * when a quoted field holds a comma, so the two spellings cannot collide.
 */
function accountsOf(chunk: ParsedChunk): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < chunk.accountOffsets.length; i++) {
    const key = Buffer.from(
      chunk.accountKeys.subarray(chunk.accountOffsets[i], chunk.accountOffsets[i + 1]),
    ).toString('utf8');
    const cut = key.includes('\u0000') ? key.indexOf('\u0000') : key.indexOf(',');
    out.push([key.slice(0, cut), key.slice(cut + 1)]);
  }
  return out;
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi) / 1000;
}

const ROWS = [
  /* line 2, record 0 */ '2022/09/01 00:20,020,Z9,010,A1,10.5,US Dollar,11,Euro,Cheque,0',
  /* line 3, record 1 */ '2022/09/01 00:21,010,A1,020,Z9,3,Euro,3.5,US Dollar,ACH,1',
  /* line 4, record 2 */ '2022/13/01 00:00,010,A1,020,Z9,3,Euro,3.5,US Dollar,ACH,0',
  /* line 5: blank    */ '',
  /* lines 6-7, rec 3 */ '"2022/09/02 10:00",010,"A""2",011,C1,1,Euro,1,Euro,"Wire\nTransfer",0',
  /* line 8, record 4 */ '2022/09/02 10:00,010,A1,010,A1,-5,Euro,5,Euro,Cash,0',
  /* line 9, record 5 */ '2022/09/02 10:00,010,A1,010,A1,5,Euro,5,Euro,Cash,0,extra',
  /* line 10, rec 6   */ '2022/09/02 10:00,010,A1,010,A1,5,Euro,5,Euro,Cash,2',
  /* line 11, rec 7   */ '2022/09/02 10:00,010,A1,,B1,5,Euro,5,Euro,Cash,0',
  /* line 12, rec 8   */ '2022/09/03 10:00,030,D1,020,Z9,7,Bitcoin,7.25,Bitcoin,Cash,1',
];

describe('parseChunk', () => {
  const { path, span } = chunkFile(ROWS);
  const chunk = parseChunk(path, span, false);

  it('keeps the good records as typed columns in file order', () => {
    expect(chunk.rows).toBe(4);
    expect([...chunk.ts.subarray(0, 4)]).toEqual([
      utc(2022, 9, 1, 0, 20),
      utc(2022, 9, 1, 0, 21),
      utc(2022, 9, 2, 10),
      utc(2022, 9, 3, 10),
    ]);
    expect([...chunk.amountReceived.subarray(0, 4)]).toEqual([10.5, 3, 1, 7]);
    expect([...chunk.amountPaid.subarray(0, 4)]).toEqual([11, 3.5, 1, 7.25]);
    expect([...chunk.label.subarray(0, 4)]).toEqual([0, 1, 0, 1]);
  });

  it('interns accounts in first-appearance order, sender before receiver', () => {
    // Record 0 meets 020/Z9 (sender) then 010/A1; record 3 meets 010/A"2 then 011/C1;
    // record 8 meets 030/D1 and the known 020/Z9. Rejected records intern nothing.
    expect(accountsOf(chunk)).toEqual([
      ['020', 'Z9'],
      ['010', 'A1'],
      ['010', 'A"2'],
      ['011', 'C1'],
      ['030', 'D1'],
    ]);
    expect([...chunk.src.subarray(0, 4)]).toEqual([0, 1, 2, 4]);
    expect([...chunk.dst.subarray(0, 4)]).toEqual([1, 0, 3, 0]);
  });

  it('interns currencies and formats in first-appearance order', () => {
    // Receiving Currency (column 7) comes before Payment Currency (column 9) in a row.
    expect(chunk.currencies).toEqual(['US Dollar', 'Euro', 'Bitcoin']);
    expect([...chunk.receivingCurrency.subarray(0, 4)]).toEqual([0, 1, 1, 2]);
    expect([...chunk.paymentCurrency.subarray(0, 4)]).toEqual([1, 0, 1, 2]);
    expect(chunk.formats).toEqual(['Cheque', 'ACH', 'Wire\nTransfer', 'Cash']);
    expect([...chunk.format.subarray(0, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('reads paid and received apart when their text differs, even by a prefix', () => {
    // A row whose paid text equals its received text reuses the parsed value and currency id;
    // text that differs only in length or in a later byte must still be read on its own.
    const { path: p, span: s } = chunkFile([
      '2022/09/01 00:20,020,Z9,010,A1,10,Euro,100,Euro S,Cheque,0',
      '2022/09/01 00:20,020,Z9,010,A1,5.00,Euro S,5,Euro,Cheque,0',
      '2022/09/01 00:20,020,Z9,010,A1,12.5,Yen,12.6,Yuan,Cheque,0',
      '2022/09/01 00:20,020,Z9,010,A1,"7.5","Yen",7.5,Yen,Cheque,0',
    ]);
    const c = parseChunk(p, s, false);
    expect([...c.amountReceived.subarray(0, 4)]).toEqual([10, 5, 12.5, 7.5]);
    expect([...c.amountPaid.subarray(0, 4)]).toEqual([100, 5, 12.6, 7.5]);
    expect(c.currencies).toEqual(['Euro', 'Euro S', 'Yen', 'Yuan']);
    expect([...c.receivingCurrency.subarray(0, 4)]).toEqual([0, 1, 2, 2]);
    expect([...c.paymentCurrency.subarray(0, 4)]).toEqual([1, 0, 3, 2]);
  });

  it('rejects each malformed record with its reason, start line and record index', () => {
    expect(chunk.rejects.map((r) => [r.line, r.record])).toEqual([
      [4, 2],
      [8, 4],
      [9, 5],
      [10, 6],
      [11, 7],
    ]);
    const reasons = chunk.rejects.map((r) => r.reason);
    expect(reasons[0]).toMatch(/Timestamp.*"2022\/13\/01 00:00"/);
    expect(reasons[1]).toMatch(/Amount Received.*"-5"/);
    expect(reasons[2]).toMatch(/11 fields.*12/);
    expect(reasons[3]).toMatch(/Is Laundering.*"2"/);
    expect(reasons[4]).toMatch(/empty To Bank/);
    expect(chunk.rejects.map((r) => r.text)).toEqual([ROWS[2], ROWS[5], ROWS[6], ROWS[7], ROWS[8]]);
  });

  it('stops at the first bad record when asked to', () => {
    const stopped = parseChunk(path, span, true);
    expect(stopped.rows).toBe(2);
    expect(stopped.rejects.map((r) => [r.line, r.record])).toEqual([[4, 2]]);
  });

  it('numbers lines and records from the span it is given', () => {
    // Start at record 1 (line 3), which begins right after the header and record 0's line.
    const start = span.start + Buffer.byteLength(`${ROWS[0]}\n`);
    const mid = parseChunk(path, { ...span, start, firstLine: 3, firstRow: 101, rows: 2 }, false);
    expect(mid.rows).toBe(1);
    expect(mid.rejects.map((r) => [r.line, r.record])).toEqual([[4, 102]]);
    expect(accountsOf(mid)).toEqual([
      ['010', 'A1'],
      ['020', 'Z9'],
    ]);
  });
});

describe('parseChunk on CRLF files', () => {
  it('strips the CR from the last field and counts lines across a quoted CRLF', () => {
    const { path, span } = chunkFile(
      [
        /* line 2 */ '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,"AC\r\nH",1',
        /* line 4 */ '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,2',
        /* line 5 */ '2022/09/01 00:20:30,010,A1,020,B2,1,Euro,1,Euro,Cash,0',
      ],
      '\r\n',
    );
    const chunk = parseChunk(path, span, false);
    expect(chunk.rows).toBe(2);
    expect([...chunk.label.subarray(0, 2)]).toEqual([1, 0]);
    expect(chunk.formats).toEqual(['AC\r\nH', 'Cash']);
    expect(chunk.rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, expect.stringMatching(/"2"/)],
    ]);
    expect(chunk.ts[1]).toBe(utc(2022, 9, 1, 0, 20) + 30);
  });

  // Fresh-user report (session 13): the quoted twin of a bad row gave another reason.
  it('gives a label followed by two CRs one reason, quoted or not', () => {
    const { path, span } = chunkFile(
      [
        '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,0\r',
        '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,"Cash","0"\r',
      ],
      '\r\n',
    );
    const chunk = parseChunk(path, span, false);
    const reason =
      'Is Laundering must be 0 or 1, got "0\\r" (only one CR before the line feed ends a line)';
    expect(chunk.rejects.map((r) => r.reason)).toEqual([reason, reason]);
  });

  it('joins two rows at a lone CR alike whether the first ends in a quoted field or not', () => {
    const next = '2022/09/01 00:21,010,A1,020,B2,1,Euro,1,Euro,Cash,0';
    const { path, span } = chunkFile([
      `2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,0\r${next}`,
      `2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,"Cash","0"\r${next}`,
    ]);
    const chunk = parseChunk(path, span, false);
    const joined = 'expected 11 fields, found 21 (a CR that is not followed by a line feed';
    expect(chunk.rejects.map((r) => r.reason.slice(0, joined.length))).toEqual([joined, joined]);
  });

  it.each([
    ['Timestamp', 0],
    ['Amount Paid', 7],
    ['Is Laundering', 10],
  ])('names a byte-order mark at the start of %s rather than its value', (name, column) => {
    const fields = '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,0'.split(',');
    fields[column] = `\uFEFF${fields[column]}`;
    const { path, span } = chunkFile([fields.join(',')]);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rejects.map((r) => r.reason)).toEqual([
      `${name} (column ${column + 1}) starts with a byte-order mark (U+FEFF), which readers drop`,
    ]);
  });

  it('keeps a byte-order mark inside a value, where readers keep it too', () => {
    const { path, span } = chunkFile(['2022/09/01 00:20,010,A\uFEFF1,020,B2,1,Euro,1,Euro,Cash,0']);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rejects).toEqual([]);
    expect(accountsOf(chunk)[0]).toEqual(['010', 'A\uFEFF1']);
  });

  // Fresh-user report (session 13): `"0"` then a lone CR at the end of the file read as a
  // stray quote, while an unquoted `0` there was taken.
  it.each([
    ['unquoted', '0'],
    ['quoted', '"0"'],
  ])('takes a last row whose %s label ends in a CR without a line feed', (_, label) => {
    const path = join(dir, `c${files++}.csv`);
    const head = `${HEADER}\r\n`;
    const content = `${head}2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,${label}\r`;
    writeFileSync(path, content);
    const span = { index: 0, start: head.length, end: content.length };
    const chunk = parseChunk(path, { ...span, firstLine: 2, firstRow: 0, rows: 1 }, false);

    expect(chunk.rejects).toEqual([]);
    expect(chunk.rows).toBe(1);
    expect(chunk.label[0]).toBe(0);
    expect(chunk.formats).toEqual(['Cash']);
  });
});

describe('parseChunk rejects', () => {
  const GOOD = '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,0';

  it.each([
    ['a NUL byte', '2022/09/01 00:20,010,A\u00001,020,B2,1,Euro,1,Euro,Cash,0', /NUL/],
    ['a repeated header', HEADER, /header/],
    [
      'an empty sender account',
      '2022/09/01 00:20,010,,020,B2,1,Euro,1,Euro,Cash,0',
      /empty Account \(column 3\)/,
    ],
    ['an empty From Bank', '2022/09/01 00:20,,A1,020,B2,1,Euro,1,Euro,Cash,0', /empty From Bank/],
    [
      'an empty receiver account',
      '2022/09/01 00:20,010,A1,020,,1,Euro,1,Euro,Cash,0',
      /empty Account \(column 5\)/,
    ],
    [
      'an exponent amount',
      '2022/09/01 00:20,010,A1,020,B2,1e5,Euro,1,Euro,Cash,0',
      /Amount Received.*"1e5"/,
    ],
    [
      'a NaN Amount Paid',
      '2022/09/01 00:20,010,A1,020,B2,1,Euro,NaN,Euro,Cash,0',
      /Amount Paid.*"NaN"/,
    ],
    [
      'an inf Amount Paid',
      '2022/09/01 00:20,010,A1,020,B2,1,Euro,inf,Euro,Cash,0',
      /Amount Paid.*"inf"/,
    ],
    [
      'an amount of a lone dot',
      '2022/09/01 00:20,010,A1,020,B2,.,Euro,1,Euro,Cash,0',
      /^bad Amount Received "\." \(expected digits with an optional fraction\)$/,
    ],
    ['a spaced amount', '2022/09/01 00:20,010,A1,020,B2, 1,Euro,1,Euro,Cash,0', /Amount Received/],
    [
      'an empty Receiving Currency',
      '2022/09/01 00:20,010,A1,020,B2,1,,1,Euro,Cash,0',
      /empty Receiving Currency/,
    ],
    [
      'an empty Payment Currency',
      '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,,Cash,0',
      /empty Payment Currency/,
    ],
    [
      'an empty Payment Format',
      '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,,0',
      /empty Payment Format/,
    ],
    ['an empty label', '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,', /Is Laundering/],
    ['too few fields', '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash', /11 fields.*10/],
    [
      'a From Bank that starts with a byte-order mark',
      '2022/09/01 00:20,\uFEFF010,A1,020,B2,1,Euro,1,Euro,Cash,0',
      /^From Bank \(column 2\) starts with a byte-order mark \(U\+FEFF\), which readers drop$/,
    ],
    [
      'a Payment Format that starts with a byte-order mark',
      '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,\uFEFFCash,0',
      /^Payment Format \(column 10\) starts with a byte-order mark/,
    ],
    [
      'two rows joined by a lone CR',
      `${GOOD}\r${GOOD}`,
      /^expected 11 fields, found 21 \(a CR that is not followed by a line feed does not end/,
    ],
    ['a line of spaces and a tab', '  \t ', /^whitespace-only line \(only empty lines are/],
    ['Feb 29 of 2023', '2023/02/29 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,0', /Timestamp/],
  ])('rejects %s on its own line and keeps the next row', (_what, bad, reason) => {
    const { path, span } = chunkFile([GOOD, bad, GOOD]);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rows).toBe(2);
    expect(chunk.rejects).toHaveLength(1);
    expect(chunk.rejects[0]).toMatchObject({ line: 3, record: 1, text: bad });
    expect(chunk.rejects[0]!.reason).toMatch(reason);
  });

  it('keeps a quoted comma in a bank or account apart from the field separator', () => {
    // RFC 4180: `010,"A,1"` is bank 010, account "A,1"; `"010,A",1` is bank "010,A",
    // account 1. Read as plain text both would be `010,A,1`: they must stay two accounts.
    const { path, span } = chunkFile([
      '2022/09/01 00:20,010,"A,1",020,B2,1,Euro,1,Euro,Cash,0',
      '2022/09/01 00:20,"010,A",1,020,B2,1,Euro,1,Euro,Cash,0',
      '2022/09/01 00:20,010,A,020,B2,1,Euro,1,Euro,Cash,0',
      '2022/09/01 00:20,"010","A,1",020,B2,1,Euro,1,Euro,Cash,0',
    ]);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rejects).toEqual([]);
    expect(accountsOf(chunk)).toEqual([
      ['010', 'A,1'],
      ['020', 'B2'],
      ['010,A', '1'],
      ['010', 'A'],
    ]);
    expect([...chunk.src.subarray(0, 4)]).toEqual([0, 2, 3, 0]);
    expect([...chunk.dst.subarray(0, 4)]).toEqual([1, 1, 1, 1]);
  });

  it('numbers accounts in row order across plain, quoted and rejected rows', () => {
    // Plain rows are interned in batches, quoted ones at once: the ids must not tell which.
    // Expected ids: a Map of `bank,account` texts filled row by row, sender first.
    const rows: string[] = [];
    const expected = new Map<string, number>();
    const note = (key: string) => {
      if (!expected.has(key)) expected.set(key, expected.size);
    };
    for (let i = 0; i < 300; i++) {
      const from = `0${i % 7},S${(i * 37) % 151}`;
      const to = `0${i % 5},R${(i * 53) % 97}`;
      const [fromBank, fromAccount] = from.split(',');
      const quoted = i % 9 === 4;
      const sender = quoted ? `"${fromBank}","${fromAccount}"` : from;
      const label = i % 23 === 11 ? '7' : '0';
      rows.push(`2022/09/01 00:20,${sender},${to},${i}.5,Euro,${i}.5,Euro,Cash,${label}`);
      if (label === '7') continue;
      note(from);
      note(to);
    }
    const { path, span } = chunkFile(rows);
    const chunk = parseChunk(path, span, false);

    expect(chunk.rejects).toHaveLength(13);
    expect(accountsOf(chunk).map(([b, a]) => `${b},${a}`)).toEqual([...expected.keys()]);
    const kept = rows.filter((_, i) => i % 23 !== 11);
    const ids = kept.map((row) => {
      const f = row.replaceAll('"', '').split(',');
      return [expected.get(`${f[1]},${f[2]}`), expected.get(`${f[3]},${f[4]}`)];
    });
    expect([...chunk.src.subarray(0, kept.length)]).toEqual(ids.map(([src]) => src));
    expect([...chunk.dst.subarray(0, kept.length)]).toEqual(ids.map(([, dst]) => dst));
  });

  it('gives an account the same id whether or not its fields are quoted', () => {
    const { path, span } = chunkFile([
      '2022/09/01 00:20,010,A1,020,B2,1,Euro,1,Euro,Cash,0',
      '"2022/09/01 00:20","010","A1","020","B2","1","Euro","1","Euro","Cash","0"',
    ]);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rows).toBe(2);
    expect(accountsOf(chunk)).toEqual([
      ['010', 'A1'],
      ['020', 'B2'],
    ]);
    expect([...chunk.src.subarray(0, 2)]).toEqual([0, 0]);
    expect(chunk.currencies).toEqual(['Euro']);
    expect([...chunk.label.subarray(0, 2)]).toEqual([0, 0]);
  });

  it('rejects a quoted field that never closes', () => {
    const open = '2022/09/01 00:20,010,"A1,020,B2,1,Euro,1,Euro,Cash,0';
    const { path, span } = chunkFile([GOOD, open]);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rows).toBe(1);
    expect(chunk.rejects.map((r) => [r.line, r.record])).toEqual([[3, 1]]);
    expect(chunk.rejects[0]!.reason).toMatch(/unterminated/);
  });

  it('gives the start line of a multi-line bad record and counts its lines after it', () => {
    // Lines 3-4 hold one record with a quoted line break and a bad label; GOOD is on line 5,
    // and the last row, with a bad amount, is on line 6.
    const bad = '2022/09/01 00:20,010,"A\n1",020,B2,1,Euro,1,Euro,Cash,x';
    const last = '2022/09/01 00:20,010,A1,020,B2,1.2.3,Euro,1,Euro,Cash,0';
    const { path, span } = chunkFile([GOOD, bad, GOOD, last]);
    const chunk = parseChunk(path, span, false);
    expect(chunk.rows).toBe(2);
    expect(chunk.rejects.map((r) => [r.line, r.record])).toEqual([
      [3, 1],
      [6, 3],
    ]);
  });
});
