import { isUtf8 } from 'node:buffer';
import { closeSync, readSync } from 'node:fs';

import { InputError } from '../errors.js';
import { cannotRead, openInput } from './read-file.js';

export const TRANSACTION_COLUMNS = [
  'Timestamp',
  'From Bank',
  'Account',
  'To Bank',
  'Account',
  'Amount Received',
  'Receiving Currency',
  'Amount Paid',
  'Payment Currency',
  'Payment Format',
  'Is Laundering',
] as const;

export const ACCOUNT_COLUMNS = [
  'Bank Name',
  'Bank ID',
  'Account Number',
  'Entity ID',
  'Entity Name',
] as const;

export interface HeaderInfo {
  /** Byte offset of the first data row. */
  dataStart: number;
  /** Physical line number of the first data row (1-based). */
  dataLine: number;
  /** True when the whole file was read and holds nothing but line breaks after the header. */
  noRows: boolean;
}

const MAX_HEADER = 64 * 1024;

/**
 * Checks the header of a CSV file against the expected columns and says where data begins.
 * `aliases` maps a position to another accepted spelling (pandas writes `Account.1`).
 */
export function readHeader(
  path: string,
  expected: readonly string[],
  aliases: Record<number, string> = {},
): HeaderInfo {
  const head = readHead(path);
  if (head.length === 0) throw new InputError(`${path}:1: empty file (expected a header row)`);
  rejectForeignEncodings(path, head);

  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const nl = head.indexOf(0x0a, bom);
  refuseLoneCr(path, head, bom);
  if (nl === -1 && head.length === MAX_HEADER) {
    throw new InputError(`${path}:1: no line break in the first 64 KiB (is this a CSV file?)`);
  }
  const lineEnd = nl === -1 ? head.length : nl;
  const text = head.toString('utf8', bom, lineEnd).replace(/\r$/, '');
  if (text.trim() === '') throw blankHead(path, head.toString('utf8', bom).trim() === '', expected);

  refuseInnerBom(path, text);
  const names = splitHeader(text);
  const ok =
    names.length === expected.length &&
    names.every((n, i) => n === expected[i] || n === aliases[i]);
  if (!ok) {
    throw new InputError(
      `${path}:1: unexpected header ${JSON.stringify(text.slice(0, 200))} ` +
        `(${headerDifference(names, expected, aliases)}); expected the comma-separated ` +
        `columns ${expected.join(',')}`,
    );
  }
  const dataStart = nl === -1 ? lineEnd : nl + 1;
  const noRows = head.length < MAX_HEADER && onlyLineBreaks(head, dataStart);
  return { dataStart, dataLine: 2, noRows };
}

function onlyLineBreaks(head: Buffer, from: number): boolean {
  for (let i = from; i < head.length; i++) if (head[i] !== 0x0a && head[i] !== 0x0d) return false;
  return true;
}

const quoted = (name: string | undefined): string => JSON.stringify(name);

/**
 * Where a header first differs from the expected one: two headers of eleven names printed in
 * full left the user to find one misspelt column (`Amount Payed`) by eye (trial N).
 */
function headerDifference(
  names: readonly string[],
  expected: readonly string[],
  aliases: Record<number, string>,
): string {
  const at = expected.findIndex((name, i) => names[i] !== name && names[i] !== aliases[i]);
  // A patterns file's first line is a BEGIN line: one "column" of a typology's name.
  if (names.length === 1 && names[0]!.startsWith('BEGIN LAUNDERING ATTEMPT')) {
    return "a patterns file's BEGIN line, not a CSV header";
  }
  const counts = `${names.length} column${names.length === 1 ? '' : 's'}, not ${expected.length}`;
  if (at === -1 || at >= names.length) return counts;
  const found = names[at] as string;
  const shown = found.length > 60 ? `${found.slice(0, 60)}…` : found;
  // Names are compared case by case, which a trial's lower-case header left to be guessed.
  const caseOnly = found.toLowerCase() === expected[at]!.toLowerCase() ? ' (case matters)' : '';
  const column =
    `column ${at + 1} is ${JSON.stringify(shown)}, not ${quoted(expected[at])}` + caseOnly;
  return names.length === expected.length ? column : `${counts}; ${column}`;
}

/**
 * A first line with nothing on it: the file holds nothing else (a BOM, blank lines), or the
 * header comes later. Blank lines are skipped between data rows only; the header is line 1.
 */
function blankHead(path: string, nothingElse: boolean, expected: readonly string[]): InputError {
  if (nothingElse) return new InputError(`${path}:1: empty file (expected a header row)`);
  return new InputError(
    `${path}:1: blank first line; the header row must be the first line (the ` +
      `comma-separated columns ${expected.join(',')})`,
  );
}

export function readHead(path: string): Buffer {
  const fd = openInput(path);
  try {
    const buf = Buffer.allocUnsafe(MAX_HEADER);
    const n = readSync(fd, buf, 0, MAX_HEADER, 0);
    return buf.subarray(0, n);
  } catch (error) {
    throw cannotRead(path, error);
  } finally {
    closeSync(fd);
  }
}

/** Leading bytes of the compressed formats a CSV is commonly shipped in. */
const COMPRESSED: readonly [string, number[], string][] = [
  ['gzip', [0x1f, 0x8b], 'gunzip'],
  ['zip', [0x50, 0x4b, 0x03, 0x04], 'unzip'],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd], 'unzstd'],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'unxz'],
  ['bzip2', [0x42, 0x5a, 0x68], 'bunzip2'],
];

/** Refuses a file that starts like a compressed archive, naming the format. */
export function refuseCompressed(path: string, head: Buffer): void {
  for (const [format, magic, tool] of COMPRESSED) {
    // bzip2's magic is text ("BZh"): its block header must follow too.
    const bzipBlock = format !== 'bzip2' || head.subarray(4, 10).toString('latin1') === '1AY&SY';
    if (bzipBlock && magic.every((b, i) => head[i] === b)) {
      throw new InputError(
        `${path}:1: file is ${format}-compressed; decompress it first (for example with ${tool})`,
      );
    }
  }
}

function rejectForeignEncodings(path: string, head: Buffer): void {
  refuseCompressed(path, head);
  const b0 = head[0];
  const b1 = head[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    throw new InputError(`${path}:1: file is UTF-16 (byte order mark found); save it as UTF-8`);
  }
  const firstLine = head.subarray(0, Math.max(0, head.indexOf(0x0a)));
  if (firstLine.indexOf(0) !== -1 || (head.indexOf(0x0a) === -1 && head.indexOf(0) !== -1)) {
    throw new InputError(`${path}:1: header holds NUL bytes; not a text CSV`);
  }
  refuseBinaryHeader(path, head.indexOf(0x0a) === -1 ? head : firstLine);
}

/**
 * Refuses a first line that is not text: control bytes other than tab and CR, or bytes that
 * are not UTF-8. Random bytes were named a file of lone CRs (old Mac line endings), or quoted
 * back as 200 characters of mojibake in "unexpected header" (a fresh-user trial).
 */
function refuseBinaryHeader(path: string, line: Buffer): void {
  const at = line.findIndex((b) => (b < 0x20 && b !== 0x09 && b !== 0x0d) || b === 0x7f);
  // A head cut at its 64 KiB may end inside a character: only whole lines are checked.
  const why =
    at !== -1
      ? `control byte 0x${line[at]!.toString(16).padStart(2, '0')} at byte ${at + 1}`
      : line.length < MAX_HEADER && !isUtf8(line)
        ? 'bytes that are not UTF-8'
        : null;
  if (why !== null) {
    throw new InputError(`${path}:1: header is not text (${why}); is this a CSV file?`);
  }
}

/**
 * Refuses a file whose first line (from `from`) holds a CR followed by neither CR nor LF: its
 * lines end in lone CRs (old Mac), which no reader here takes as line breaks.
 */
export function refuseLoneCr(path: string, head: Buffer, from: number): void {
  const nl = head.indexOf(0x0a, from);
  if (!hasLoneCr(head, from, nl === -1 ? head.length : nl)) return;
  throw new InputError(
    `${path}:1: lines end in a lone CR (old Mac line endings); only LF and CR LF end a ` +
      "line, so convert the file first (for example with tr '\\r' '\\n')",
  );
}

/** True when `head[from, to)` holds a CR followed by a byte other than CR or LF. */
function hasLoneCr(head: Buffer, from: number, to: number): boolean {
  for (let i = head.indexOf(0x0d, from); i !== -1 && i + 1 < to; i = head.indexOf(0x0d, i + 1)) {
    if (head[i + 1] !== 0x0d && head[i + 1] !== 0x0a) return true;
  }
  return false;
}

/**
 * A BOM after the file's first bytes (a second one, or one before a later column name) would be
 * trimmed from the name as white space and go unnoticed; a data field starting with one is a
 * bad row (src/ingest/parse-chunk.ts), and the header is held to the same rule.
 */
function refuseInnerBom(path: string, text: string): void {
  const at = text.indexOf('\ufeff');
  if (at === -1) return;
  const column = text.slice(0, at).split(',').length;
  throw new InputError(
    `${path}:1: byte order mark (U+FEFF) inside the header, in column ${column}; a file may ` +
      'start with one, but another is a sign of files joined together or edited as text',
  );
}

/** Column names, trimmed outside and inside their quotes (trial W: `" Timestamp "`). */
function splitHeader(text: string): string[] {
  return text.split(',').map((name) =>
    name
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
}

/** A transactions file with a header and no data row: nothing to preprocess. */
export function noDataRows(path: string, dataLine: number): InputError {
  return new InputError(`${path}:${dataLine}: no data rows after the header`);
}
