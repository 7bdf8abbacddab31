// SPEC §1: the header is the file's first line (after an optional BOM); a missing or blank
// one is an error naming the file and line 1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { ACCOUNT_COLUMNS, readHeader } from '../../src/ingest/header.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('header-reading');
const HEADER = ACCOUNT_COLUMNS.join(',');

function fileOf(content: string | Uint8Array): string {
  const path = join(tempDir(), 'accounts.csv');
  writeFileSync(path, content);
  return path;
}

function messageOf(content: string | Uint8Array): string {
  const path = fileOf(content);
  try {
    readHeader(path, ACCOUNT_COLUMNS);
  } catch (error) {
    return (error as Error).message.replace(path, 'FILE');
  }
  return 'no error';
}

describe('readHeader', () => {
  it('finds data after a header with or without a BOM and CRLF', () => {
    expect(readHeader(fileOf(`${HEADER}\nx`), ACCOUNT_COLUMNS)).toEqual({
      dataStart: HEADER.length + 1,
      dataLine: 2,
      noRows: false,
    });
    expect(readHeader(fileOf(`\uFEFF${HEADER}\r\nx`), ACCOUNT_COLUMNS).dataStart).toBe(
      3 + HEADER.length + 2,
    );
  });

  // Trial W (session 22): the README said names are compared trimmed, and spaces inside a
  // name's quotes were not trimmed.
  it('compares names trimmed, inside their quotes too, and case by case', () => {
    const spaced = ACCOUNT_COLUMNS.map((name) => `" ${name}\t" `).join(',');
    expect(readHeader(fileOf(`${spaced}\nx`), ACCOUNT_COLUMNS).dataLine).toBe(2);
    const lower = ACCOUNT_COLUMNS.map((name) => name.toLowerCase()).join(',');
    expect(messageOf(`${lower}\nx`)).toContain(
      `(column 1 is "bank name", not "${ACCOUNT_COLUMNS[0]}" (case matters));`,
    );
  });

  it('says a file holds no rows when only line breaks follow its header', () => {
    const noRows = (text: string) => readHeader(fileOf(text), ACCOUNT_COLUMNS).noRows;

    expect(noRows(HEADER)).toBe(true);
    expect(noRows(`${HEADER}\r\n\n\r\n`)).toBe(true);
    expect(noRows(`${HEADER}\n\nx`)).toBe(false);
    expect(noRows(`${HEADER}\n `)).toBe(false);
    // A file longer than the 64 KiB read is not judged by its head.
    expect(noRows(`${HEADER}${'\n'.repeat(70_000)}`)).toBe(false);
  });

  it('refuses a second BOM, or one before a later column name, naming the column', () => {
    // By hand: one BOM is the file's encoding mark; the next is in the header's text, in
    // column 1 when it directly follows the first, in column 3 before the third name.
    const [bank, ...rest] = ACCOUNT_COLUMNS;
    const third = [bank, rest[0], `\uFEFF${rest[1]}`, ...rest.slice(2)].join(',');
    const said = (column: number) =>
      `FILE:1: byte order mark (U+FEFF) inside the header, in column ${column}; a file may ` +
      'start with one, but another is a sign of files joined together or edited as text';

    expect(messageOf(`\uFEFF\uFEFF${HEADER}\nx`)).toBe(said(1));
    expect(messageOf(`${third}\nx`)).toBe(said(3));
    expect(messageOf(`\uFEFF${HEADER}\nx`)).toBe('no error');
  });

  it('names a compressed file instead of calling it a CSV with NUL bytes', () => {
    // Trial nit. gzip made here by zlib; the others by their formats' leading bytes.
    const path = join(tempDir(), 'accounts.csv.gz');
    writeFileSync(path, gzipSync(`${HEADER}\nx\n`));
    const said = (format: string, tool: string) =>
      `FILE:1: file is ${format}-compressed; decompress it first (for example with ${tool})`;
    const messageOfBytes = (bytes: number[]) =>
      messageOf(Buffer.concat([Buffer.from(bytes), Buffer.alloc(64, 1)]));

    expect(() => readHeader(path, ACCOUNT_COLUMNS)).toThrow(
      `${path}:1: file is gzip-compressed; decompress it first (for example with gunzip)`,
    );
    expect(messageOfBytes([0x50, 0x4b, 0x03, 0x04])).toBe(said('zip', 'unzip'));
    expect(messageOfBytes([0x28, 0xb5, 0x2f, 0xfd])).toBe(said('zstd', 'unzstd'));
    expect(messageOfBytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])).toBe(said('xz', 'unxz'));
    expect(messageOf('BZh91AY&SY\u0001\u0002')).toBe(said('bzip2', 'bunzip2'));
    // Text that merely starts like bzip2's magic is read as a header (and refused as one).
    expect(messageOf('BZh,x\nx')).toMatch(/^FILE:1: unexpected header "BZh,x"/);
  });

  it('calls a file of nothing, a BOM or blank lines empty', () => {
    for (const content of ['', '\uFEFF', '\n\n', '\uFEFF\r\n  \r\n']) {
      expect(messageOf(content), JSON.stringify(content)).toBe(
        'FILE:1: empty file (expected a header row)',
      );
    }
  });

  // Fresh-user report (session 13): an old-Mac file got "no line break in the first 64 KiB"
  // or "unexpected header", neither naming its line endings.
  it('names lone-CR line endings, in a small file or past 64 KiB', () => {
    const row = '\rChina Bank #2820,314693,81B86A280,800D8CCF0,Corporation #41344';
    for (const rows of [3, 2_000]) {
      expect(messageOf(HEADER + row.repeat(rows) + '\r')).toBe(
        'FILE:1: lines end in a lone CR (old Mac line endings); only LF and CR LF end a line, ' +
          "so convert the file first (for example with tr '\\r' '\\n')",
      );
    }
  });

  // Trial K (session 19): random bytes were named lone-CR line endings, or quoted back as
  // 200 characters of mojibake with a raw DEL byte.
  it('calls a first line of control bytes or of bytes that are not UTF-8 not text', () => {
    const binary = Uint8Array.from([0x41, 0x42, 0x0d, 0x43, 0x15, 0x0a, 0x31]);
    const latin1 = Buffer.from(`Caf\xe9,${HEADER}\n1\n`, 'latin1');

    expect(messageOf(binary)).toBe(
      'FILE:1: header is not text (control byte 0x15 at byte 5); is this a CSV file?',
    );
    expect(messageOf(`${HEADER}\x7f\n`)).toMatch(/^FILE:1: header is not text \(control byte 0x7f/);
    expect(messageOf(latin1)).toBe(
      'FILE:1: header is not text (bytes that are not UTF-8); is this a CSV file?',
    );
    expect(messageOf(`${HEADER}\tx\n`)).toMatch(/^FILE:1: unexpected header/);
  });

  it('still takes a header whose line ends in more than one CR before its LF', () => {
    expect(readHeader(fileOf(`${HEADER}\r\r\nx`), ACCOUNT_COLUMNS).dataStart).toBe(
      HEADER.length + 3,
    );
  });

  it('says the header must be the first line when blank lines come before it', () => {
    expect(messageOf(`\n${HEADER}\n1,2,3,4,5\n`)).toBe(
      `FILE:1: blank first line; the header row must be the first line (the comma-separated ` +
        `columns ${HEADER})`,
    );
  });

  // Trial N (session 20): both headers were printed in full, the misspelt column left to find.
  it.each([
    [
      'Bank Name,Bank ID,Account Numbr,Entity ID,Entity Name',
      'column 3 is "Account Numbr", not "Account Number"',
    ],
    ['Bank Name,Bank ID', '2 columns, not 5'],
    ['Bank,Bank ID', '2 columns, not 5; column 1 is "Bank", not "Bank Name"'],
    [`${HEADER},Extra`, '6 columns, not 5'],
    // Trial O (session 20): "1 columns", a name cut at 60 characters without a mark, and a
    // patterns file not named as one.
    ['Bank Name', '1 column, not 5'],
    [
      `${'x'.repeat(61)},Bank ID`,
      `2 columns, not 5; column 1 is "${'x'.repeat(60)}…", not "Bank Name"`,
    ],
    ['BEGIN LAUNDERING ATTEMPT - STACK', "a patterns file's BEGIN line, not a CSV header"],
  ])('names where the header %j first differs', (header, where) => {
    expect(messageOf(`${header}\nx`)).toBe(
      `FILE:1: unexpected header ${JSON.stringify(header)} (${where}); expected the ` +
        `comma-separated columns ${HEADER}`,
    );
  });
});
