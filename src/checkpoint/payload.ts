import { crc32 } from 'node:zlib';

import { pack, unpack } from 'msgpackr';

import type { Scratch } from '../scratch-buffer.js';

import {
  align8,
  planStorage,
  readNarrow,
  storedBytes,
  writeNarrow,
  type Column,
  type Storage,
} from './narrow.js';

/**
 * Binary framing of a chunk result: a msgpack header describing the arrays, then the arrays'
 * raw bytes, each 8-byte aligned so they can be viewed without copying element by element.
 *
 *   u32 header length | header (msgpack) | pad to 8 | array 0 | pad | array 1 | ...
 */
export type { Column } from './narrow.js';

type ColumnKind = 'f64' | 'i32' | 'u8' | 'u32' | 'i8' | 'f32';

/** An array's place in the payload; with `stored`, how it is narrowed (see narrow.ts). */
interface ArrayEntry extends Partial<Storage> {
  kind: ColumnKind;
  length: number;
  offset: number;
}

interface Header {
  meta: unknown;
  arrays: Record<string, ArrayEntry>;
}

export interface Payload {
  meta: unknown;
  arrays: Record<string, Column>;
}

/**
 * Encodes a chunk result. With `scratch` the bytes are written into its buffer, valid until
 * its next use: the store hands them to LMDB, which copies them, before encoding another, and
 * a fresh buffer per chunk was fresh memory for the kernel to map and zero (0.3 s of a
 * HI-Small run's commits).
 */
export function encodePayload(
  meta: unknown,
  arrays: Record<string, Column>,
  scratch?: Scratch<Buffer>,
): Buffer {
  const entries: Record<string, ArrayEntry> = {};
  const sources: Column[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const kind = kindOf(a);
    const plan = planStorage(a);
    entries[name] = { kind, length: a.length, offset, ...plan };
    sources.push(a);
    offset = align8(offset + (plan === undefined ? a.byteLength : storedBytes(plan, a.length)));
  }

  const header = pack({ meta, arrays: entries } satisfies Header);
  const dataStart = align8(4 + header.length);
  const out = scratch?.take(dataStart + offset) ?? Buffer.allocUnsafeSlow(dataStart + offset);
  // Padding is zeroed so the bytes, and so the checksum, depend only on the values.
  out.fill(0, 0, dataStart);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  Object.values(entries).forEach((entry, i) => {
    const end = writeStored(out, dataStart + entry.offset, sources[i]!, entry);
    out.fill(0, end, dataStart + align8(end - dataStart));
  });
  return out;
}

/** Writes `a` at `at` (8-aligned in `out`'s own buffer), narrowed when `entry` says so. */
function writeStored(out: Buffer, at: number, a: Column, entry: ArrayEntry): number {
  if (entry.stored !== undefined) return writeNarrow(out, at, a, entry as Storage);
  out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
  return at + a.byteLength;
}

/** Decodes into SharedArrayBuffer-backed arrays, so results can go straight to workers. */
export function decodePayload(buf: Uint8Array): Payload {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLength = view.readUInt32LE(0);
  const header = unpack(view.subarray(4, 4 + headerLength)) as Header;
  const dataStart = align8(4 + headerLength);

  const arrays: Record<string, Column> = {};
  for (const [name, entry] of Object.entries(header.arrays)) {
    const a = makeShared(entry.kind, entry.length);
    const from = dataStart + entry.offset;
    if (entry.stored === undefined) {
      new Uint8Array(a.buffer, 0, a.byteLength).set(view.subarray(from, from + a.byteLength));
    } else {
      // Records from before offsets had a base store int32 values with none.
      readNarrow(view.subarray(from), { ...entry, stored: entry.stored, base: entry.base ?? 0 }, a);
    }
    arrays[name] = a;
  }
  return { meta: header.meta, arrays };
}

export function checksum(buf: Uint8Array): number {
  return crc32(buf);
}

export function makeShared(kind: ColumnKind, length: number): Column {
  switch (kind) {
    case 'f64':
      return new Float64Array(new SharedArrayBuffer(length * 8));
    case 'f32':
      return new Float32Array(new SharedArrayBuffer(length * 4));
    case 'i32':
      return new Int32Array(new SharedArrayBuffer(length * 4));
    case 'u32':
      return new Uint32Array(new SharedArrayBuffer(length * 4));
    case 'u8':
      return new Uint8Array(new SharedArrayBuffer(length));
    case 'i8':
      return new Int8Array(new SharedArrayBuffer(length));
  }
}

function kindOf(a: Column): ColumnKind {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int8Array) return 'i8';
  return 'u8';
}
