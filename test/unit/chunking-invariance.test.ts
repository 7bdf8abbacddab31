// SPEC §2, §10, §11: what is parsed, and the line each reject is reported on, does not
// depend on how the file is cut into chunks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { parseChunk, type ParsedChunk } from '../../src/ingest/parse-chunk.js';
import { planChunks } from '../../src/ingest/scan.js';
import { rng } from '../helpers/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'amlprep-unit-chunking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A random file: good rows, quoted fields with line breaks, blank lines, bad labels and stray
 * quotes.
 */
function randomFile(seed: number) {
  const next = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const eol = next() < 0.5 ? '\n' : '\r\n';
  const lines: string[] = [
    'Timestamp,From Bank,Account,To Bank,Account,Amount Received,' +
      'Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering',
  ];
  // Reference: the physical line each record starts on, and whether it is bad.
  const records: { line: number; bad: boolean }[] = [];
  let line = 2;
  const count = 30 + Math.floor(next() * 60);
  for (let r = 0; r < count; r++) {
    if (next() < 0.1) {
      lines.push('');
      line++;
      continue;
    }
    // A stray quote (RFC 4180 allows one only to open a field) makes a bad row of one line.
    const stray = next() < 0.1;
    const format = stray
      ? pick(['AC"H', '"Cash"x', 'A"C"H'])
      : next() < 0.2
        ? `"Wire${eol}Transfer"`
        : pick(['Cash', 'ACH', '"Che""que"']);
    const bad = next() < 0.15 || stray;
    const account = next() < 0.2 ? `"A,${r % 7}"` : `A${r % 7}`;
    lines.push(
      [
        `2022/09/0${1 + (r % 9)} 1${r % 10}:0${r % 6}`,
        pick(['010', '0010', '"011"']),
        account,
        '020',
        `B${r % 5}`,
        `${r}.5`,
        pick(['Euro', 'US Dollar']),
        `${r}`,
        pick(['Euro', 'Bitcoin']),
        format,
        bad ? '7' : String(r % 2),
      ].join(','),
    );
    records.push({ line, bad });
    line += format.includes(eol) ? 2 : 1;
  }
  const content = lines.join(eol) + (next() < 0.7 ? eol : '');
  const path = join(dir, `r${seed}.csv`);
  writeFileSync(path, content);
  return { path, dataStart: Buffer.byteLength(lines[0]! + eol), records };
}

/** Everything a chunk contributes, with local ids replaced by the values they stand for. */
function flatten(chunks: ParsedChunk[]) {
  const rows: string[] = [];
  const rejects: number[] = [];
  for (const c of chunks) {
    const key = (i: number) =>
      Buffer.from(c.accountKeys.subarray(c.accountOffsets[i], c.accountOffsets[i + 1])).toString(
        'latin1',
      );
    for (let r = 0; r < c.rows; r++) {
      rows.push(
        [
          c.ts[r],
          c.amountReceived[r],
          c.amountPaid[r],
          key(c.src[r]!),
          key(c.dst[r]!),
          c.currencies[c.receivingCurrency[r]!],
          c.currencies[c.paymentCurrency[r]!],
          c.formats[c.format[r]!],
          c.label[r],
        ].join('|'),
      );
    }
    rejects.push(...c.rejects.map((x) => x.line));
  }
  return { rows, rejects };
}

describe('chunked parsing', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'parses random file %i the same for every chunk size',
    (seed) => {
      const { path, dataStart, records } = randomFile(seed);
      const whole = planChunks(path, dataStart, 2, 1_000_000, null);
      expect(whole.rows).toBe(records.length);
      const reference = flatten(whole.chunks.map((s) => parseChunk(path, s, false)));
      expect(reference.rejects).toEqual(records.filter((r) => r.bad).map((r) => r.line));
      expect(reference.rows.length).toBe(records.filter((r) => !r.bad).length);

      for (const size of [1, 2, 3, 7, 16]) {
        const plan = planChunks(path, dataStart, 2, size, null);
        expect(plan.chunks.map((c) => c.firstLine)).toEqual(
          plan.chunks.map((c) => records[c.firstRow]!.line),
        );
        expect(flatten(plan.chunks.map((s) => parseChunk(path, s, false)))).toEqual(reference);
      }
    },
  );
});
