// SPEC §3: an accounts row matches a node when the bank ids agree with leading zeros stripped
// and the accounts agree exactly. The reference is `accountKey` (a string with a regex).
import { describe, expect, it } from 'vitest';

import { MatchKey } from '../../src/ingest/match-key.js';
import { rng } from '../helpers/rng.js';

/**
 * The reference key: leading zeros dropped by a regex (one zero kept of an id of zeros), NUL,
 * the account. NUL cannot occur in a valid field, so two accounts never share one.
 */
function accountKey(bank: string, account: string): string {
  const stripped = bank.replace(/^0+/, '');
  return `${stripped === '' && bank !== '' ? '0' : stripped}\u0000${account}`;
}

/** The key of an accounts row with these two fields, as hex. */
function bytesOf(bank: string, account: string): string {
  const key = new MatchKey();
  const b = Buffer.from(bank, 'utf8');
  const buf = Buffer.concat([b, Buffer.from(account, 'utf8')]);
  key.setFields(buf, 0, b.length, b.length, buf.length);
  return key.bytes.toString('hex', key.start, key.end);
}

describe('MatchKey', () => {
  it('strips leading zeros from the bank id and keeps one of a bank id of zeros', () => {
    const text = (bank: string, account: string) =>
      Buffer.from(bytesOf(bank, account), 'hex').toString('utf8');
    expect(text('0010', '8000A')).toBe('10\u00008000A');
    expect(text('000', 'X')).toBe('0\u0000X');
    expect(text('0', 'X')).toBe('0\u0000X');
    expect(text('', 'X')).toBe('\u0000X');
    expect(text('00a', '0é')).toBe('a\u00000é');
  });

  it('gives two accounts one key exactly when the string key of the reference does', () => {
    const next = rng(17);
    const pick = (chars: string, max: number) =>
      Array.from(
        { length: Math.floor(next() * max) },
        () => chars[Math.floor(next() * chars.length)],
      ).join('');
    const ids = Array.from({ length: 300 }, () => [pick('001,é', 4), pick('0A,é', 3)] as const);
    const keys = ids.map((id) => bytesOf(...id));
    const wrong: string[] = [];
    let equal = 0;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const same = accountKey(...ids[i]!) === accountKey(...ids[j]!);
        if (same) equal++;
        if ((keys[i] === keys[j]) !== same) wrong.push(JSON.stringify([ids[i], ids[j]]));
      }
    }
    expect(equal).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('grows its buffer for long ids', () => {
    const long = 'x'.repeat(1000);
    expect(Buffer.from(bytesOf('07', long), 'hex').toString()).toBe(`7\u0000${long}`);
  });

  it('gives a node the key of its decoded bank and account, from its merge key bytes', () => {
    // Merge keys are `bank,account`, or `bank NUL account` when a quoted field held a comma.
    const cases: [string, string, string][] = [
      ['0010,8000A', '0010', '8000A'],
      ['000,X', '000', 'X'],
      [',X', '', 'X'],
      ['0\u00001,X', '0', '1,X'],
      ['0,1\u0000X', '0,1', 'X'],
      ['07,é,é', '07', 'é,é'],
    ];
    for (const [merge, bank, account] of cases) {
      const key = new MatchKey();
      const buf = Buffer.concat([Buffer.from('pad'), Buffer.from(merge), Buffer.from('0,0')]);
      key.setNode(buf, 3, 3 + Buffer.byteLength(merge));
      expect(key.bytes.toString('hex', key.start, key.end), merge).toBe(bytesOf(bank, account));
    }
  });

  it('gives an accounts row the key of its decoded fields, and says the zeros it dropped', () => {
    const cases: [string, string, number][] = [
      ['0010', '8000A', 2],
      ['000', 'X', 2],
      ['0', 'X', 0],
      ['7', 'é,é', 0],
      ['07', 'x'.repeat(600), 1],
    ];
    for (const [bank, account, zeros] of cases) {
      const key = new MatchKey();
      const buf = Buffer.from(`pad,${bank},${account},tail`);
      const bs = 4;
      const be = bs + Buffer.byteLength(bank);
      key.setFields(buf, bs, be, be + 1, be + 1 + Buffer.byteLength(account));
      expect(key.bytes.toString('hex', key.start, key.end), bank).toBe(bytesOf(bank, account));
      expect(key.start).toBe(zeros);
    }
  });
});
