import { crc32 } from 'node:zlib';

import { pack, unpack } from 'msgpackr';

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

export function encodePayload(meta: unknown, arrays: Record<string, Column>): Buffer {
  const entries: Record<string, ArrayEntry> = {};
  const stored: Column[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const narrow = narrowed(a);
    const entry: ArrayEntry = { kind: kindOf(a), length: a.length, offset };
    if (narrow !== a) entry.stored = kindOf(narrow);
    entries[name] = entry;
    stored.push(narrow);
    offset = align8(offset + narrow.byteLength);
  }

  const header = pack({ meta, arrays: entries } satisfies Header);
  const dataStart = align8(4 + header.length);
  const out = Buffer.alloc(dataStart + offset);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  Object.values(entries).forEach((entry, i) => {
    const a = stored[i]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entry.offset);
  });
  return out;
}

/**
 * The column in the narrowest type that holds every value exactly, so checkpoints write fewer
 * bytes (issue #3: bytes written are a budget): float64 columns of whole numbers in int32
 * range (timestamps, ranks, counts, whole-second deltas) as int32, int32 codes below 256 as
 * uint8. -0, NaN and fractions keep float64, so decoding gives back the same bits.
 */
function narrowed(a: Column): Column {
  if (a instanceof Float64Array) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if ((v | 0) !== v || Object.is(v, -0)) return a;
    }
    return Int32Array.from(a);
  }
  if (a instanceof Int32Array) {
    for (let i = 0; i < a.length; i++) if (a[i]! >>> 0 > 255) return a;
    return Uint8Array.from(a);
  }
  return a;
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
      // widened value by value. `narrowed` stores only int32 or uint8.
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
