// SPEC §1, §12: amounts are digits with an optional fraction; the value is the decimal's double.
import { describe, expect, it } from 'vitest';

import { parseAmount } from '../../src/ingest/fields.js';
import { rng } from '../helpers/rng.js';

function amount(text: string): number {
  const buf = Buffer.from(text, 'latin1');
  return parseAmount(buf, 0, buf.length);
}

describe('parseAmount', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['12.5', 12.5],
    ['.5', 0.5],
    ['5.', 5],
    ['0012.50', 12.5],
    ['000', 0],
    ['0.000', 0],
    ['3697.34', 3697.34],
    ['1000000000', 1e9],
  ])('reads %j as %d', (text, value) => {
    expect(amount(text)).toBe(value);
  });

  it('gives the same double as Number() for long digit strings', () => {
    const cases = [
      '9007199254740991', // 2^53 − 1: still exact
      '9007199254740992',
      '9007199254740993', // rounds to 2^53 under round-half-even
      '12345678901234567890123',
      '0.1234567890123456789012345',
      `0.${'0'.repeat(30)}1`,
      `${'9'.repeat(40)}.${'9'.repeat(40)}`,
      '1.7976931348623157',
      '0.30000000000000004',
      '123456789012.345678',
    ];
    for (const text of cases) expect(amount(text), text).toBe(Number(text));
  });

  // Trial K (session 19): three amounts of 1e160 overflowed the scaler's sums (std null,
  // z-scores all 0); amounts past 1e100 are refused.
  it('takes amounts up to 1e100 and refuses larger ones', () => {
    expect(amount(`1${'0'.repeat(100)}`)).toBe(1e100);
    expect(amount(`${'9'.repeat(99)}.99`)).toBe(Number(`${'9'.repeat(99)}.99`));
    // 1e100 + 1 is the double 1e100; the next double up is past it.
    expect(amount(`1${'0'.repeat(99)}1`)).toBe(1e100);
    expect(amount(`2${'0'.repeat(100)}`)).toBeNaN();
    expect(amount(`1${'0'.repeat(160)}`)).toBeNaN();
  });

  it('gives the same double as Number() for random decimals', () => {
    const next = rng(11);
    const wrong: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const intLen = Math.floor(next() * 20);
      const fracLen = Math.floor(next() * 26);
      let text = '';
      for (let i = 0; i < intLen; i++) text += String(Math.floor(next() * 10));
      if (fracLen > 0 || intLen === 0) {
        text += '.';
        for (let i = 0; i < Math.max(1, fracLen); i++) text += String(Math.floor(next() * 10));
      }
      if (!Object.is(amount(text), Number(text))) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['an empty field', ''],
    ['a lone dot', '.'],
    ['two dots', '1.2.3'],
    ['a minus sign', '-5'],
    ['a plus sign', '+5'],
    ['an exponent', '1e5'],
    ['a capital exponent', '1E5'],
    ['a leading space', ' 5'],
    ['a trailing space', '5 '],
    ['an inner space', '1 000'],
    ['NaN', 'NaN'],
    ['inf', 'inf'],
    ['Infinity', 'Infinity'],
    ['a hex literal', '0x10'],
    ['a decimal comma', '1,5'],
    ['a thousands separator', '1,000.00'],
    ['a currency sign', '$5'],
    ['a carriage return', '5\r'],
    ['400 digits, past the largest double', '9'.repeat(400)],
  ])('rejects %s', (_what, text) => {
    expect(amount(text)).toBeNaN();
  });

  it('refuses 308 digits, a finite double but past the amounts taken', () => {
    expect(amount('1'.padEnd(308, '0'))).toBeNaN();
  });

  it('reads only its own byte range', () => {
    const buf = Buffer.from('12,0034.25,x', 'latin1');
    // Bytes 3..10 are "0034.25".
    expect(parseAmount(buf, 3, 10)).toBe(34.25);
    expect(parseAmount(buf, 0, 2)).toBe(12);
    expect(parseAmount(buf, 3, 3)).toBeNaN();
  });
});
