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
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    entries[name] = { kind: kindOf(a), length: a.length, offset };
    offset = align8(offset + a.byteLength);
  }

  const header = pack({ meta, arrays: entries } satisfies Header);
  const dataStart = align8(4 + header.length);
  const out = Buffer.alloc(dataStart + offset);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  for (const [name, a] of Object.entries(arrays)) {
    const entry = entries[name] as ArrayEntry;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entry.offset);
  }
  return out;
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
    const bytes = new Uint8Array(a.buffer, 0, a.byteLength);
    const from = dataStart + entry.offset;
    bytes.set(view.subarray(from, from + a.byteLength));
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
