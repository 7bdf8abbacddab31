// Reading the inputs (SPEC §1, §2, §12): the traps a real AMLworld file sets.
import { describe, expect, it } from 'vitest';
import { parseCsv } from './reference/csv.js';
import {
  ACCOUNTS_HEADER,
  HEADER,
  rowOf,
  tiny,
  transactionsCsv,
  txLine,
  values,
} from './reference/fixtures.js';
import { compareCodePoints, dictionary } from './reference/identity.js';
import { parseTransactions } from './reference/parse.js';
import { prepareReference } from './reference/spec-reference.js';

// traps.csv: BOM, CRLF, `Account.1`, no final newline. Its three rows:
//   0  2022/09/01 00:20:30  011/"8000,A" → 0011/8000A   ("Wire" quoted)
//   1  2022/09/01 00:20     0011/8000A   → 011/"8000,A"
//   2  2022/09/02 23:59:59  011/8000"B   → 011/8000A    (doubled quote in the account)
const traps = prepareReference({ transactions: tiny('traps.csv') });

describe('CSV reading', () => {
  it('reads a BOM, CRLF, quoted commas and doubled quotes, without a final newline', () => {
    const records = parseCsv(tiny('traps.csv'));
    expect(records).toHaveLength(4);
    expect(records[0]?.fields[0]).toBe('Timestamp');
    expect(records[1]?.fields.slice(1, 3)).toEqual(['011', '8000,A']);
    expect(records[1]?.fields[9]).toBe('Wire');
    expect(records[3]?.fields.slice(1, 3)).toEqual(['011', '8000"B']);
    expect(records[3]?.fields[10]).toBe('1');
  });

  it('refuses what RFC 4180 forbids: stray quotes and an unclosed quote', () => {
    expect(() => parseCsv('a,b"c\n')).toThrow(/stray quote/);
    expect(() => parseCsv('a,"b"c\n')).toThrow(/stray quote/);
    expect(() => parseCsv('a,"bc\n')).toThrow(/unclosed quote/);
    expect(parseCsv('a,""')).toEqual([{ line: 1, fields: ['a', ''] }]);
  });

  it('reports the physical line on which a record starts', () => {
    const records = parseCsv('a,b\r\n"x\r\ny",1\r\nz,2');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(records[1]?.fields).toEqual(['x\r\ny', '1']);
  });
});

describe('header', () => {
  it('accepts `Account` twice and `Account.1` for the second', () => {
    expect(parseTransactions(transactionsCsv([]))).toEqual([]);
    expect(traps.edges.rows).toHaveLength(3);
  });

  it('rejects any other header and names the expected columns', () => {
    const bad = HEADER.replace('Is Laundering', 'Label');
    expect(() => parseTransactions(`${bad}\n`)).toThrow(/Timestamp,From Bank,Account/);
  });
});

describe('values', () => {
  it('reads timestamps as UTC, with optional seconds', () => {
    // 2022-09-01T00:00:00Z = 1661990400; + 20 min 30 s = 1661991630.
    expect(values(traps.edges, 'timestamp')).toEqual([
      1661991630,
      1661991600,
      1661990400 + 86400 + 86399,
    ]);
  });

  it('keeps bank spellings: 011 and 0011 are two banks and two accounts', () => {
    expect(traps.nodes.rows.map((n) => [n['bank'], n['account']])).toEqual([
      ['011', '8000,A'],
      ['0011', '8000A'],
      ['011', '8000"B'],
      ['011', '8000A'],
    ]);
    // From banks 011, 0011, 011 → dictionary ['0011', '011'].
    expect(traps.dictionaries.bank).toEqual(['0011', '011']);
    expect(values(traps.edges, 'bank')).toEqual([1, 0, 1]);
  });

  it('rejects signs, exponents, NaN, empty fields, NUL bytes and bad dates', () => {
    for (const amount of ['-1', '+1', '1e3', ' 1', 'NaN', 'inf', '']) {
      const line = txLine('2022/09/01 00:00', '1/P', '2/Q', amount);
      expect(() => parseTransactions(transactionsCsv([line])), amount).toThrow();
    }
    const at = '2022/09/01 00:00';
    for (const bad of [
      txLine(at, '/P', '2/Q', '1'),
      txLine(at, '1/P', '2/', '1'),
      txLine(at, '1/P\0', '2/Q', '1'),
      txLine(at, '1/P', '2/Q', '1', { format: '' }),
    ]) {
      expect(() => parseTransactions(transactionsCsv([bad])), bad).toThrow(/empty field or NUL/);
    }
    const badDate = txLine('2022/02/30 00:00', '1/P', '2/Q', '1');
    expect(() => parseTransactions(transactionsCsv([badDate]))).toThrow(/timestamp/);
  });
});

describe('sample', () => {
  it('keeps the first N rows and still makes every accounts-file account a node', () => {
    const r = prepareReference(
      {
        transactions: tiny('features.csv'),
        accounts: tiny('features-accounts.csv'),
      },
      { sample: 2 },
    );
    // Rows 0–1 bring A, B, C; then D from the accounts file.
    expect(r.edges.rows).toHaveLength(2);
    expect(values(r.nodes, 'account')).toEqual(['A', 'B', 'C', 'D']);
    // Dictionaries come from the loaded rows only: no Bitcoin, no Reinvestment.
    expect(r.dictionaries.currency).toEqual(['Euro', 'US Dollar', 'Yen']);
    expect(r.dictionaries.format).toEqual(['ACH', 'Wire']);
  });
});

describe('accounts file', () => {
  const accounts = [
    ACCOUNTS_HEADER,
    'Bank Eleven,11,8000A,E1,Sole Proprietorship #12',
    'Zero Bank,0,Z,E2,Corporation #3',
    '"Bank, Quoted",7,NEW,E3,Individual',
    'No Name Bank,8,NONAME,E4,',
  ].join('\n');
  const lines = [
    txLine('2022/09/01 00:00', '011/8000A', '000/Z', '1'),
    txLine('2022/09/01 00:05', '0011/8000A', '011/8000A', '1'),
  ];
  const r = prepareReference({ transactions: transactionsCsv(lines), accounts });

  it('matches banks with leading zeros stripped, all-zero banks as 0', () => {
    // Types sorted: Corporation 0, Individual 1, Sole Proprietorship 2.
    // 011/8000A and 0011/8000A both strip to 11/8000A; 000/Z strips to 0/Z.
    expect(r.nodes.rows.map((n) => [n['bank'], n['account'], n['entity_type']])).toEqual([
      ['011', '8000A', 2],
      ['000', 'Z', 0],
      ['0011', '8000A', 2],
      ['7', 'NEW', 1],
      ['8', 'NONAME', -1],
    ]);
  });

  it('takes the whole name as the type when it has no ` #`, and none from an empty name', () => {
    expect(r.dictionaries.entityType).toEqual(['Corporation', 'Individual', 'Sole Proprietorship']);
  });
});

describe('dictionaries', () => {
  it('sort by code point, not by UTF-16 unit', () => {
    // U+FF5E (65374) comes before U+1F600 (128512), although its UTF-16 unit 0xFF5E is
    // above the surrogate 0xD83D that starts U+1F600. Upper case sorts before lower.
    expect(['\u{1F600}', '\uFF5E'].sort()).toEqual(['\u{1F600}', '\uFF5E']);
    expect(dictionary(['\u{1F600}', 'euro', '\uFF5E', 'Yen'])).toEqual([
      'Yen',
      'euro',
      '\uFF5E',
      '\u{1F600}',
    ]);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
  });
});

describe('typologies', () => {
  const label1 = (line: string): string => line.replace(/,0$/, ',1');
  const t0 = '2022/09/01 13:45,0030,300C,0040,400D,1200.00,Euro,1300.00,US Dollar,Wire,1';
  const t1 = '2022/09/02 09:15,0050,500E,0030,300C,980.00,Euro,980.00,Euro,Wire,1';
  const t2 = '2022/09/04 04:00,0040,400D,0050,500E,0.02,Bitcoin,0.02,Bitcoin,Bitcoin,1';
  const t3 = t1.replace('09:15', '10:15').replace(/,1$/, ',0');
  const patterns = [
    'BEGIN LAUNDERING ATTEMPT - FAN-OUT',
    // Same instant and amounts, spelled differently: still a match.
    '2022/09/01 13:45:00,0030,300C,0040,400D,1200.0,Euro,1300,US Dollar,Wire,1',
    'END LAUNDERING ATTEMPT - FAN-OUT',
    '',
    'BEGIN LAUNDERING ATTEMPT - CYCLE:  Max 3 hops',
    t0,
    t1,
    label1(t3),
    // Bank 040 is not 0040: no match for t2.
    t2.replace(',0040,', ',040,'),
    'END LAUNDERING ATTEMPT - CYCLE',
  ].join('\r\n');
  const r = prepareReference({
    transactions: transactionsCsv([t0, t1, t2, t3]),
    patterns,
  });

  it('takes the first matching block, the name before the colon, labelled rows only', () => {
    // t0 is in both blocks → FAN-OUT. t1 → CYCLE. t2's bank differs → ''. t3 is labelled 0.
    expect(values(r.edges, 'typology')).toEqual(['FAN-OUT', 'CYCLE', '', '']);
    expect(rowOf(r.edges, 3)['y']).toBe(0);
  });
});
