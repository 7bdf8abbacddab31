// SPEC §1, §10, §12: chunks hold whole records; a quoted line break stays inside its record,
// blank lines hold no record, and `line` is the physical line on which a record starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { planChunks, type ChunkSpan } from '../../src/ingest/scan.js';

const dir = mkdtempSync(join(tmpdir(), 'amlprep-unit-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, content);
  return path;
}

function span(
  index: number,
  start: number,
  end: number,
  firstLine: number,
  firstRow: number,
  rows: number,
): ChunkSpan {
  return { index, start, end, firstLine, firstRow, rows };
}

describe('planChunks', () => {
  it('cuts LF rows into chunks of the requested row count', () => {
    // "h\n" is bytes 0-1; rows "rK\n" are 3 bytes each: r0 2-4, r1 5-7, r2 8-10, r3 11-13,
    // r4 14-16; the file is 17 bytes. Two rows per chunk: [2, 8), [8, 14), [14, 17).
    const path = file('h\nr0\nr1\nr2\nr3\nr4\n');
    const plan = planChunks(path, 2, 2, 2, null);
    expect(plan.chunks).toEqual([
      span(0, 2, 8, 2, 0, 2),
      span(1, 8, 14, 4, 2, 2),
      span(2, 14, 17, 6, 4, 1),
    ]);
    expect(plan.rows).toBe(5);
    expect(plan.bytes).toBe(15);
  });

  it('makes no empty chunk when the rows divide evenly', () => {
    const path = file('h\nr0\nr1\nr2\nr3\n');
    const plan = planChunks(path, 2, 2, 2, null);
    expect(plan.chunks.map((c) => c.rows)).toEqual([2, 2]);
    expect(plan.chunks[1]).toEqual(span(1, 8, 14, 4, 2, 2));
  });

  it('counts a quoted field with a line break as one record spanning two lines', () => {
    // Record 0 is `a,"x\ny"\n`: 8 bytes at 2-9 on lines 2-3. "b\n" is 10-11 (line 4),
    // "c\n" is 12-13 (line 5).
    const path = file('h\na,"x\ny"\nb\nc\n');
    const plan = planChunks(path, 2, 2, 2, null);
    expect(plan.chunks).toEqual([span(0, 2, 12, 2, 0, 2), span(1, 12, 14, 5, 2, 1)]);
    expect(plan.rows).toBe(3);
  });

  it('ignores quote pairs and escaped quotes that hold no line break', () => {
    // `"p""q",1\n` is 9 bytes at 2-10; then "r\n" at 11-12.
    const path = file('h\n"p""q",1\nr\n');
    const plan = planChunks(path, 2, 2, 1, null);
    expect(plan.chunks).toEqual([span(0, 2, 11, 2, 0, 1), span(1, 11, 13, 3, 1, 1)]);
  });

  it('reads a quote inside an unquoted field as text: the record ends at its line', () => {
    // As the record splitter does: `AC"H` and `A"CH` hold stray quotes, not a quoted part
    // running from one row into the next. Rows "x,AC\"H\n" (7 bytes) at 2-8, "y,A\"CH\n" at
    // 9-15, "z\n" at 16-17; and `"a"b` closes its quote before the b.
    const path = file('h\nx,AC"H\ny,A"CH\nz\n"a"b,"c\nd"\ne\n');
    const plan = planChunks(path, 2, 2, 1, null);
    expect(plan.chunks.slice(0, 3)).toEqual([
      span(0, 2, 9, 2, 0, 1),
      span(1, 9, 16, 3, 1, 1),
      span(2, 16, 18, 4, 2, 1),
    ]);
    // `"a"b,"c\nd"` is one record over lines 5-6 (its second field opens a quote), then e.
    expect(plan.chunks.slice(3).map((c) => [c.firstLine, c.rows])).toEqual([
      [5, 1],
      [7, 1],
    ]);
    expect(plan.rows).toBe(5);
  });

  it('handles CRLF line ends and skips a blank CRLF line', () => {
    // "h\r\n" 0-2; r0 3-6; r1 7-10; blank "\r\n" 11-12 (line 4); r2 13-16 (line 5).
    const path = file('h\r\nr0\r\nr1\r\n\r\nr2\r\n');
    const plan = planChunks(path, 3, 2, 2, null);
    expect(plan.chunks).toEqual([span(0, 3, 11, 2, 0, 2), span(1, 13, 17, 5, 2, 1)]);
    expect(plan.rows).toBe(3);
  });

  it('skips blank lines without counting them as rows', () => {
    // blank at 2 (line 2); r0 3-5 (line 3); blanks at 6 and 7 (lines 4-5); r1 8-10 (line 6).
    const path = file('h\n\nr0\n\n\nr1\n');
    const plan = planChunks(path, 2, 2, 10, null);
    expect(plan.chunks).toEqual([span(0, 3, 11, 3, 0, 2)]);
    expect(plan.rows).toBe(2);
  });

  it('starts the next chunk on the first record after blank lines', () => {
    // r0 2-4 (line 2); blanks 5, 6 (lines 3-4); r1 7-9 (line 5).
    const path = file('h\nr0\n\n\nr1\n');
    const plan = planChunks(path, 2, 2, 1, null);
    expect(plan.chunks).toEqual([span(0, 2, 5, 2, 0, 1), span(1, 7, 10, 5, 1, 1)]);
  });

  it('counts a last record without a final line break', () => {
    // r0 2-4, r1 5-6; the file is 7 bytes.
    const path = file('h\nr0\nr1');
    expect(planChunks(path, 2, 2, 10, null).chunks).toEqual([span(0, 2, 7, 2, 0, 2)]);
    expect(planChunks(path, 2, 2, 1, null).chunks).toEqual([
      span(0, 2, 5, 2, 0, 1),
      span(1, 5, 7, 3, 1, 1),
    ]);
  });

  it('counts a last CRLF record without a final line break', () => {
    // "h\r\n" 0-2; r0 3-6; r1 7-8; the file is 9 bytes.
    const path = file('h\r\nr0\r\nr1');
    const plan = planChunks(path, 3, 2, 10, null);
    expect(plan.chunks).toEqual([span(0, 3, 9, 2, 0, 2)]);
  });

  it('plans nothing for a file with only a header', () => {
    const plan = planChunks(file('h\n'), 2, 2, 10, null);
    expect(plan.chunks).toEqual([]);
    expect(plan.rows).toBe(0);
    expect(plan.bytes).toBe(0);
  });

  it('stops after the sample limit', () => {
    // Five rows, limit 3, two per chunk: [2, 8) rows 0-1, [8, 11) row 2 on line 4.
    const path = file('h\nr0\nr1\nr2\nr3\nr4\n');
    const plan = planChunks(path, 2, 2, 2, 3);
    expect(plan.chunks).toEqual([span(0, 2, 8, 2, 0, 2), span(1, 8, 11, 4, 2, 1)]);
    expect(plan.rows).toBe(3);
    expect(plan.bytes).toBe(9);
  });

  it('keeps every row when the limit is larger than the file', () => {
    const path = file('h\nr0\nr1\nr2');
    const plan = planChunks(path, 2, 2, 2, 100);
    expect(plan.rows).toBe(3);
    expect(plan.chunks.map((c) => [c.firstRow, c.rows])).toEqual([
      [0, 2],
      [2, 1],
    ]);
  });

  it('counts blank lines in line numbers but not toward the sample limit', () => {
    // r0 line 2, blank line 3, r1 line 4 (bytes 6-8), r2 line 5.
    const path = file('h\nr0\n\nr1\nr2\n');
    const plan = planChunks(path, 2, 2, 10, 2);
    expect(plan.chunks).toEqual([span(0, 2, 9, 2, 0, 2)]);
  });

  it('reads across its 8 MiB read blocks', () => {
    // Blocks start at dataStart = 2, so the second block starts at byte 2 + 8,388,608.
    // 8,388,607 = 838,860 · 10 + 7: that many 10-byte CRLF rows and one 7-byte row end one
    // byte before the boundary, where a blank "\r\n" straddles it (CR last in block 1, LF
    // first in block 2). Then a quoted record whose line break is inside the quotes.
    const BLOCK = 8 * 1024 * 1024;
    const tenByteRows = 838_860;
    const parts = [
      'h\n',
      'r0000000\r\n'.repeat(tenByteRows),
      'r1234\r\n',
      '\r\n',
      'a,"x\r\ny"\r\n',
      'z\r\n',
    ];
    const content = Buffer.from(parts.join(''), 'latin1');
    expect(content.indexOf('\r\n\r\n', 2 + BLOCK - 10)).toBe(2 + BLOCK - 3);
    const path = file(content);

    // Rows: 838,860 + 1 filler, then the quoted record and "z": 838,863 in all.
    // Lines: header 1, filler 2..838,862, blank 838,863, quoted 838,864-838,865, z 838,866.
    const fillerRows = tenByteRows + 1;
    const plan = planChunks(path, 2, 2, fillerRows, null);
    const quotedStart = 2 + BLOCK + 1;
    const zStart = quotedStart + 'a,"x\r\ny"\r\n'.length;
    expect(plan.rows).toBe(fillerRows + 2);
    expect(plan.chunks).toEqual([
      // The filler is bytes [2, 2 + 8,388,607); the blank line is skipped.
      span(0, 2, 2 + BLOCK - 1, 2, 0, fillerRows),
      span(1, quotedStart, content.length, fillerRows + 3, fillerRows, 2),
    ]);
    expect(zStart).toBe(content.length - 3);

    const byOne = planChunks(path, 2, 2, 1, null);
    expect(byOne.chunks.at(-1)).toEqual(
      span(fillerRows + 1, zStart, content.length, fillerRows + 5, fillerRows + 1, 1),
    );
  });
});
