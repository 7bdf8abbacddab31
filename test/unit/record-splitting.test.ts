// SPEC §1: RFC 4180 quoting: quoted fields may hold commas, line breaks and `""` escapes.
import { describe, expect, it } from 'vitest';

import { RecordSplitter, type SplitRecord } from '../../src/ingest/record-splitter.js';

const decoder = new TextDecoder();

function fieldsOf(rec: SplitRecord): string[] {
  return Array.from({ length: rec.fields }, (_, i) =>
    decoder.decode(rec.src.subarray(rec.starts[i], rec.ends[i])),
  );
}

/** Splits every record of `text`, as the parser walks a chunk. */
function splitAll(text: string): { fields: string[]; lines: number; blank: boolean }[] {
  const buf = Buffer.from(text, 'utf8');
  const splitter = new RecordSplitter(buf, buf.length);
  const out = [];
  for (let pos = 0; pos < buf.length;) {
    const rec = splitter.split(pos);
    out.push({ fields: fieldsOf(rec), lines: rec.lines, blank: rec.blank });
    pos = rec.next;
  }
  return out;
}

function splitOne(text: string): SplitRecord {
  const buf = Buffer.from(text, 'utf8');
  return new RecordSplitter(buf, buf.length).split(0);
}

describe('RecordSplitter', () => {
  it('splits a plain record at commas and points past its line break', () => {
    const rec = splitOne('a,bb,,c\nnext');
    expect(fieldsOf(rec)).toEqual(['a', 'bb', '', 'c']);
    // "a,bb,,c\n" is 8 bytes.
    expect(rec.next).toBe(8);
    expect(rec.lines).toBe(1);
    expect(rec.blank).toBe(false);
    expect(rec.unterminated).toBe(false);
  });

  it('unescapes doubled quotes inside a quoted field', () => {
    expect(fieldsOf(splitOne('"a""b",c\n'))).toEqual(['a"b', 'c']);
    expect(fieldsOf(splitOne('"""",x\n'))).toEqual(['"', 'x']);
    expect(fieldsOf(splitOne('x,"say ""hi"""\n'))).toEqual(['x', 'say "hi"']);
  });

  it('keeps a comma inside quotes as part of the field', () => {
    expect(fieldsOf(splitOne('"x,y",z\n'))).toEqual(['x,y', 'z']);
    expect(fieldsOf(splitOne('1,"2,3,4",5\n'))).toEqual(['1', '2,3,4', '5']);
  });

  it('reads empty quoted fields as empty', () => {
    expect(fieldsOf(splitOne('"",""\n'))).toEqual(['', '']);
    expect(fieldsOf(splitOne('a,""\n'))).toEqual(['a', '']);
  });

  it('keeps a line break inside quotes and counts the lines the record spans', () => {
    const rec = splitOne('"a\nb\nc",d\nz\n');
    expect(fieldsOf(rec)).toEqual(['a\nb\nc', 'd']);
    expect(rec.lines).toBe(3);
    // `"a\nb\nc",d\n` is 10 bytes: 7 for the quoted field, then `,`, `d`, LF.
    expect(rec.next).toBe(10);
  });

  it('drops the CR of a CRLF line end but keeps a CR inside quotes', () => {
    expect(fieldsOf(splitOne('a,b\r\n'))).toEqual(['a', 'b']);
    expect(fieldsOf(splitOne('"a",b\r\n'))).toEqual(['a', 'b']);
    expect(fieldsOf(splitOne('a,"b"\r\n'))).toEqual(['a', 'b']);
    expect(fieldsOf(splitOne('"a\r\nb",c\r\n'))).toEqual(['a\r\nb', 'c']);
    expect(fieldsOf(splitOne('x,"a\r"\n'))).toEqual(['x', 'a\r']);
  });

  it('marks empty LF and CRLF lines as blank', () => {
    expect(splitAll('\n\r\na\n').map((r) => r.blank)).toEqual([true, true, false]);
  });

  it('reads a last record without a line break', () => {
    expect(splitAll('a,b\n"c",d').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(splitAll('a,b\nc,d').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('splits plain records that follow a quoted one', () => {
    const recs = splitAll('"q,1",2\nx,y\n"r""",3\nu,v');
    expect(recs.map((r) => r.fields)).toEqual([
      ['q,1', '2'],
      ['x', 'y'],
      ['r"', '3'],
      ['u', 'v'],
    ]);
  });

  it('flags a quoted field that never closes', () => {
    const rec = splitOne('a,"b,c\nd,e');
    expect(rec.unterminated).toBe(true);
  });

  it('flags a NUL byte in plain and quoted records', () => {
    expect(splitOne('a\u0000,b\n').hasNul).toBe(true);
    expect(splitOne('"a\u0000",b\n').hasNul).toBe(true);
    expect(splitOne('a,b\n').hasNul).toBe(false);
  });

  it('unescapes quoted fields longer than its scratch buffer', () => {
    const long = 'x'.repeat(10_000);
    expect(fieldsOf(splitOne(`"${long}","a""b"\n`))).toEqual([long, 'a"b']);
  });

  it('counts fields past its range limit without recording them', () => {
    expect(splitOne(`${'a,'.repeat(69)}a\n`).fields).toBe(70);
  });

  it('keeps multi-byte UTF-8 inside quoted and plain fields', () => {
    expect(fieldsOf(splitOne('"Zürich, 😀",€\n'))).toEqual(['Zürich, 😀', '€']);
  });

  it('reads a quote inside an unquoted field as text, and ends the bad record at its line', () => {
    // RFC 4180 allows a quote only as a field's first byte: these two rows must not merge
    // into one record whose "quoted" part runs from row 1 into row 2.
    const buf = Buffer.from('x,AC"H,0\ny,A"CH,1\nz,ACH,0\n');
    const splitter = new RecordSplitter(buf, buf.length);
    const got = [];
    for (let pos = 0; pos < buf.length;) {
      const rec = splitter.split(pos);
      got.push({ fields: fieldsOf(rec), stray: rec.strayQuote, lines: rec.lines });
      pos = rec.next;
    }
    expect(got).toEqual([
      { fields: ['x', 'AC"H', '0'], stray: true, lines: 1 },
      { fields: ['y', 'A"CH', '1'], stray: true, lines: 1 },
      { fields: ['z', 'ACH', '0'], stray: false, lines: 1 },
    ]);
  });

  it('flags text after a closing quote, but not a comma or a line break', () => {
    expect(splitOne('"a"b,c\n').strayQuote).toBe(true);
    expect(splitOne('"a" ,c\n').strayQuote).toBe(true);
    expect(fieldsOf(splitOne('"a"b,c\n'))).toEqual(['ab', 'c']);
    for (const ok of ['"a",c\r\n', 'a,"b"\r\n', 'a,"b"', '"",x\n', '"""",x\n', '"a""b",c\n']) {
      expect(splitOne(ok).strayQuote, ok).toBe(false);
    }
    expect(splitOne('a,"b"\r\n').next).toBe(7);
  });
});
