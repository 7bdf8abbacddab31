// SPEC §1, §12: `YYYY/MM/DD HH:MM[:SS]` read as UTC; an impossible date is a bad row (NaN).
import { describe, expect, it } from 'vitest';

import { daysFromCivil, parseTimestamp } from '../../src/ingest/fields.js';
import { rng } from '../helpers/rng.js';

function ts(text: string): number {
  const buf = Buffer.from(text, 'latin1');
  return parseTimestamp(buf, 0, buf.length);
}

/** Epoch seconds of a UTC date, from the runtime's own calendar (month 1-based). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

/** Deterministic generator for the randomised cases (mulberry32). */
const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('parseTimestamp', () => {
  it('reads a minute-precision timestamp as UTC epoch seconds', () => {
    // 2022-09-01 is 19,236 days after 1970-01-01: 19,236 · 86,400 + 20 · 60 = 1,661,991,600.
    expect(ts('2022/09/01 00:20')).toBe(1_661_991_600);
    expect(ts('2022/09/01 00:20')).toBe(utc(2022, 9, 1, 0, 20));
  });

  it('accepts optional seconds', () => {
    expect(ts('2022/09/01 00:20:45')).toBe(1_661_991_600 + 45);
    expect(ts('2022/09/01 23:59:59')).toBe(utc(2022, 9, 1, 23, 59, 59));
  });

  it('reads instants before 1970 as negative seconds', () => {
    // One minute before the epoch.
    expect(ts('1969/12/31 23:59')).toBe(-60);
    expect(ts('1900/03/01 12:00')).toBe(utc(1900, 3, 1, 12));
  });

  it('reads a field in the middle of a larger buffer', () => {
    const buf = Buffer.from('x,2024/02/29 06:07:08,y', 'latin1');
    expect(parseTimestamp(buf, 2, 21)).toBe(utc(2024, 2, 29, 6, 7, 8));
  });

  it('accepts Feb 29 only in leap years', () => {
    expect(ts('2024/02/29 00:00')).toBe(utc(2024, 2, 29));
    expect(ts('2000/02/29 00:00')).toBe(utc(2000, 2, 29));
    expect(ts('2023/02/29 00:00')).toBeNaN();
    // 1900 and 2100 are divisible by 100 but not by 400.
    expect(ts('1900/02/29 00:00')).toBeNaN();
    expect(ts('2100/02/29 00:00')).toBeNaN();
  });

  it.each([
    ['month 13', '2022/13/01 00:00'],
    ['month 0', '2022/00/10 00:00'],
    ['day 0', '2022/09/00 00:00'],
    ['Feb 30', '2024/02/30 00:00'],
    ['Apr 31', '2022/04/31 00:00'],
    ['hour 24', '2022/09/01 24:00'],
    ['minute 60', '2022/09/01 00:60'],
    ['second 60', '2022/09/01 00:00:60'],
    ['dashes', '2022-09-01 00:20'],
    ['a T separator', '2022/09/01T00:20'],
    ['a one-digit month', '2022/9/01 00:20'],
    ['a leading space', ' 2022/09/01 00:20'],
    ['a trailing space', '2022/09/01 00:20 '],
    ['a letter in a digit slot', '2022/09/0a 00:20'],
    ['a sign in a digit slot', '2022/09/01 -1:20'],
    ['a dangling colon', '2022/09/01 00:20:'],
    ['fractional seconds', '2022/09/01 00:20:00.5'],
    ['an empty field', ''],
  ])('rejects %s', (_what, text) => {
    expect(ts(text)).toBeNaN();
  });

  it('agrees with Date.UTC on random instants from 1601 to 2399', () => {
    const next = rng(7);
    for (let n = 0; n < 5000; n++) {
      const ms = Math.floor((next() * 2 - 1) * 1.2e13);
      const d = new Date(ms);
      const y = d.getUTCFullYear();
      if (y < 1000 || y > 9999) continue;
      const withSeconds = n % 2 === 0;
      const text =
        `${pad(y, 4)}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)} ` +
        `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}` +
        (withSeconds ? `:${pad(d.getUTCSeconds(), 2)}` : '');
      const expected = Math.floor(ms / 60_000) * 60 + (withSeconds ? d.getUTCSeconds() : 0);
      expect(ts(text), text).toBe(expected);
    }
  });

  it('rejects every day past the end of its month across four years', () => {
    for (let y = 2022; y <= 2025; y++) {
      for (let m = 1; m <= 12; m++) {
        // Day 0 of the next month is the last day of this one.
        const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
        expect(ts(`${y}/${pad(m, 2)}/${pad(last, 2)} 00:00`)).toBe(utc(y, m, last));
        expect(ts(`${y}/${pad(m, 2)}/${pad(last + 1, 2)} 00:00`)).toBeNaN();
      }
    }
  });
});

describe('daysFromCivil', () => {
  it('counts days from 1970-01-01 like Date.UTC', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    // 2000-03-01: 30 years · 365 + 7 leap days (72..96) + Jan 31 + Feb 29 = 11,017.
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    for (const [y, m, d] of [
      [1600, 2, 29],
      [1899, 12, 31],
      [2024, 2, 29],
      [2399, 12, 31],
    ]) {
      expect(daysFromCivil(y!, m!, d!)).toBe(Date.UTC(y!, m! - 1, d!) / 86_400_000);
    }
  });
});
