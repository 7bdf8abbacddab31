/**
 * How a checkpoint column is stored when fewer bytes give back the same bits (issue #3: bytes
 * written are a budget, and a commit's time grows with its bytes): whole-number float64
 * columns and int32 columns as unsigned offsets from their smallest value, 1, 2 or 4 bytes
 * wide. A chunk's timestamps span hours (2 bytes), its counts and codes are small (1 or 2).
 *
 * Amounts stored as hundredths would save another 8 bytes a row of data_loaded, but checking
 * every value (a multiply, a round and a divide, twice) took more coordinator time than the
 * bytes it saved (HI-Small bench, 1 worker: data_loaded's commits 0.34 s → 0.64 s).
 */
export type Column =
  Float64Array | Int32Array | Uint8Array | Uint32Array | Int8Array | Float32Array;

export type Width = 'u8' | 'u16' | 'u32';

export interface Storage {
  /** The offsets' type; `i32` (older records) stores float64 whole numbers as int32 values. */
  stored: Width | 'i32';
  /** Added to each offset. */
  base: number;
}

const BYTES: Record<Storage['stored'], number> = { u8: 1, u16: 2, u32: 4, i32: 4 };

/** The narrowest storage of `a`, or undefined when it is stored as it is. */
export function planStorage(a: Column): Storage | undefined {
  if (a.length === 0) return undefined;
  if (a instanceof Int32Array) return planInts(a);
  if (a instanceof Float64Array) return planWhole(a);
  return undefined;
}

/** Bytes `plan` takes for `length` values. */
export function storedBytes(plan: Storage, length: number): number {
  return length * BYTES[plan.stored];
}

function planInts(a: Int32Array): Storage | undefined {
  let min = 0x7fffffff;
  let max = -0x80000000;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const stored = widthOf(min, max);
  // Four-byte offsets of int32 values save nothing.
  return stored === undefined || stored === 'u32' ? undefined : { stored, base: min };
}

function planWhole(a: Float64Array): Storage | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    // -0 would come back as 0; NaN and the infinities are not integers.
    if (!Number.isInteger(v) || (v === 0 && 1 / v < 0)) return undefined;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const stored = widthOf(min, max);
  return stored === undefined ? undefined : { stored, base: min };
}

/** The offset width for values in [min, max]; integer sums stay exact below 2^53. */
function widthOf(min: number, max: number): Width | undefined {
  if (!(min >= -Number.MAX_SAFE_INTEGER && max <= Number.MAX_SAFE_INTEGER)) return undefined;
  const range = max - min;
  if (range < 0x100) return 'u8';
  if (range < 0x10000) return 'u16';
  if (range < 0x100000000) return 'u32';
  return undefined;
}

/** Writes `a` as `plan` at `at` (aligned in `out`'s own buffer); returns the end. */
export function writeNarrow(out: Buffer, at: number, a: Column, plan: Storage): number {
  const n = a.length;
  const offsets = typedView(plan.stored, out.buffer, out.byteOffset + at, n);
  const source = a as Float64Array | Int32Array;
  if (plan.base === 0) offsets.set(source);
  else for (let i = 0; i < n; i++) offsets[i] = source[i]! - plan.base;
  return at + n * BYTES[plan.stored];
}

/** Fills `target` from the bytes `plan` wrote at the start of `bytes` (any alignment). */
export function readNarrow(bytes: Uint8Array, plan: Storage, target: Column): void {
  const n = target.length;
  const width = BYTES[plan.stored];
  // Copied when unaligned: a typed view needs its element size's alignment.
  const exact = bytes.subarray(0, n * width);
  const stored = exact.byteOffset % width === 0 ? exact : new Uint8Array(exact);
  const offsets = typedView(plan.stored, stored.buffer, stored.byteOffset, n);

  const base = plan.base;
  if (base === 0) target.set(offsets);
  else for (let i = 0; i < n; i++) target[i] = base + offsets[i]!;
}

function typedView(
  stored: Storage['stored'],
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): Uint8Array | Uint16Array | Uint32Array | Int32Array {
  switch (stored) {
    case 'u8':
      return new Uint8Array(buffer, byteOffset, length);
    case 'u16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'u32':
      return new Uint32Array(buffer, byteOffset, length);
    case 'i32':
      return new Int32Array(buffer, byteOffset, length);
  }
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}
