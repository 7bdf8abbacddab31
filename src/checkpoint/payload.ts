import { crc32 } from 'node:zlib';

import { pack, unpack } from 'msgpackr';

import type { Scratch } from '../scratch-buffer.js';

/**
 * Binary framing of a chunk result: a msgpack header describing the arrays, then the arrays'
 * raw bytes, each 8-byte aligned so they can be viewed without copying element by element.
 *
 *   u32 header length | header (msgpack) | pad to 8 | array 0 | pad | array 1 | ...
 */
export type Column =
  Float64Array | Int32Array | Uint8Array | Uint32Array | Int8Array | Float32Array;

type ColumnKind = 'f64' | 'i32' | 'u8' | 'u32' | 'i8' | 'f32';

interface ArrayEntry {
  kind: ColumnKind;
  length: number;
  offset: number;
  /** How the values are stored when narrower than `kind` (absent: as `kind`). */
  stored?: ColumnKind;
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
    const stored = narrowKind(a);
    const entry: ArrayEntry = { kind, length: a.length, offset };
    if (stored !== kind) entry.stored = stored;
    entries[name] = entry;
    sources.push(a);
    offset = align8(offset + a.length * WIDTH[stored]);
  }

  const header = pack({ meta, arrays: entries } satisfies Header);
  const dataStart = align8(4 + header.length);
  const out = scratch?.take(dataStart + offset) ?? Buffer.allocUnsafeSlow(dataStart + offset);
  // Padding is zeroed so the bytes, and so the checksum, depend only on the values.
  out.fill(0, 0, dataStart);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  Object.values(entries).forEach((entry, i) => {
    const end = writeStored(out, dataStart + entry.offset, sources[i]!, entry.stored);
    out.fill(0, end, dataStart + align8(end - dataStart));
  });
  return out;
}

const WIDTH: Record<ColumnKind, number> = { f64: 8, f32: 4, i32: 4, u32: 4, i8: 1, u8: 1 };

/**
 * The narrowest kind that holds every value exactly, so checkpoints write fewer bytes (issue
 * #3: bytes written are a budget): float64 columns of whole numbers in int32 range
 * (timestamps, ranks, counts, whole-second deltas) as int32, int32 codes below 256 as uint8.
 * -0, NaN and fractions keep float64, so decoding gives back the same bits.
 */
function narrowKind(a: Column): ColumnKind {
  if (a instanceof Float64Array) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if ((v | 0) !== v || Object.is(v, -0)) return 'f64';
    }
    return 'i32';
  }
  if (a instanceof Int32Array) {
    for (let i = 0; i < a.length; i++) if (a[i]! >>> 0 > 255) return 'i32';
    return 'u8';
  }
  return kindOf(a);
}

/** Writes `a` at `at` (8-aligned in `out`'s own buffer), as `stored`; returns the end. */
function writeStored(out: Buffer, at: number, a: Column, stored: ColumnKind | undefined): number {
  const n = a.length;
  const base = out.byteOffset + at;
  if (stored === 'i32') {
    new Int32Array(out.buffer, base, n).set(a);
    return at + 4 * n;
  }
  if (stored === 'u8') {
    new Uint8Array(out.buffer, base, n).set(a);
    return at + n;
  }
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
      // Copied out first (the stored bytes need not be aligned for a typed view), then
      // widened value by value. `narrowKind` stores only int32 or uint8.
      const width = entry.stored === 'u8' ? 1 : 4;
      const copy = new Uint8Array(entry.length * width);
      copy.set(view.subarray(from, from + copy.length));
      a.set(width === 1 ? copy : new Int32Array(copy.buffer));
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

function align8(n: number): number {
  return (n + 7) & ~7;
}
