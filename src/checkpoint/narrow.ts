/**
 * How a checkpoint column is stored when it can be stored in fewer bytes and given back with
 * the same bits (issue #3: bytes written are a budget, and a checkpoint commit's time grows
 * with its bytes). A column is stored as unsigned offsets from its smallest value, 1, 2 or 4
 * bytes wide, when its values are whole numbers or, for float64 columns, whole hundredths
 * (amounts in cents): a chunk's timestamps span hours, its port numbers and codes are small.
 * Values that are not whole hundredths (Bitcoin's millionths, NaN, -0) go to an exception list
 * stored whole, as long as they are few.
 */
export type Column =
  Float64Array | Int32Array | Uint8Array | Uint32Array | Int8Array | Float32Array;

export type Width = 'u8' | 'u16' | 'u32';

export interface Storage {
  /** The offsets' type; `i32` (older records) stores float64 whole numbers as int32 values. */
  stored: Width | 'i32';
  /** Added to each offset. */
  base: number;
  /** Set when offsets are hundredths: the value is (base + offset) / 100. */
  scale?: 100;
  /** How many values follow the offsets whole: their u32 positions, then their f64 bits. */
  exceptions?: number;
}

/** Fewer exceptions than this share of a column, or the column is stored whole. */
const MAX_EXCEPTION_SHARE = 1 / 16;

const BYTES: Record<Storage['stored'], number> = { u8: 1, u16: 2, u32: 4, i32: 4 };

/** The narrowest storage of `a`, or undefined when it is stored as it is. */
export function planStorage(a: Column): Storage | undefined {
  if (a.length === 0) return undefined;
  if (a instanceof Int32Array) return planInts(a);
  if (a instanceof Float64Array) return planWhole(a) ?? planHundredths(a);
  return undefined;
}

/** Bytes `plan` takes for `length` values, exceptions included, each part 8-aligned. */
export function storedBytes(plan: Storage, length: number): number {
  const count = plan.exceptions ?? 0;
  const exceptions = count === 0 ? 0 : align8(count * 4) + count * 8;
  return align8(length * BYTES[plan.stored]) + exceptions;
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
    if (!Number.isInteger(v) || isNegativeZero(v)) return undefined;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const stored = widthOf(min, max);
  return stored === undefined ? undefined : { stored, base: min };
}

/**
 * Hundredths as offsets from the smallest, up to 2^32 - 1 above it (amounts up to about 42.9
 * million): the rare larger amounts (1% of the sample rows, some near 10^12) are exceptions.
 */
function planHundredths(a: Float64Array): Storage | undefined {
  const allowed = Math.floor(a.length * MAX_EXCEPTION_SHARE);
  let exceptions = 0;
  let min = Infinity;
  for (let i = 0; i < a.length; i++) {
    const k = hundredths(a[i]!);
    if (k !== k) {
      if (++exceptions > allowed) return undefined;
    } else if (k < min) {
      min = k;
    }
  }

  let max = min;
  for (let i = 0; i < a.length; i++) {
    const k = hundredths(a[i]!);
    if (k - min > MAX_OFFSET) exceptions++;
    else if (k > max) max = k;
  }
  if (exceptions > allowed) return undefined;

  const stored = widthOf(min, max);
  if (stored === undefined) return undefined;
  const plan: Storage = { stored, base: min, scale: 100 };
  if (exceptions > 0) plan.exceptions = exceptions;
  return plan;
}

/** The largest offset from `base` a stored value can have. */
const MAX_OFFSET = 0xffffffff;

/**
 * `v` as a whole number of hundredths k, when k / 100 gives back v's bits, else NaN: true of
 * every amount written with at most two decimals, since both are the double nearest the same
 * real. (NaN, not undefined: a function of one return type keeps the loops above fast.)
 */
function hundredths(v: number): number {
  const k = Math.round(v * 100);
  if (k / 100 !== v || k > Number.MAX_SAFE_INTEGER || k < -Number.MAX_SAFE_INTEGER) return NaN;
  return k === 0 && 1 / v < 0 ? NaN : k;
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

/** Writes `a` as `plan` at `at` (8-aligned in `out`'s own buffer); returns the end. */
export function writeNarrow(out: Buffer, at: number, a: Column, plan: Storage): number {
  const n = a.length;
  const width = BYTES[plan.stored];
  const offsets = typedView(plan.stored, out.buffer, out.byteOffset + at, n);

  if (plan.scale === undefined) {
    writeOffsets(offsets, a as Float64Array | Int32Array, plan.base);
    return at + n * width;
  }

  // Each loop sees one array type: a loop over a union of them runs several times slower.
  const count = plan.exceptions ?? 0;
  const exceptionsAt = at + align8(n * width);
  const positions = new Uint32Array(out.buffer, out.byteOffset + exceptionsAt, count);
  const source = a as Float64Array;
  if (offsets instanceof Uint8Array) writeHundredths(offsets, source, plan.base, positions);
  else if (offsets instanceof Uint16Array) writeHundredths(offsets, source, plan.base, positions);
  else writeHundredths(offsets as Uint32Array, source, plan.base, positions);
  if (count === 0) return at + n * width;

  // Padding is zeroed, as payload.ts does, so the bytes depend only on the values.
  const bitsAt = exceptionsAt + align8(count * 4);
  out.fill(0, at + n * width, exceptionsAt);
  out.fill(0, exceptionsAt + count * 4, bitsAt);
  // Bits copied as two u32 halves: a NaN read into a JS number may lose its payload.
  const bits = new Uint32Array(out.buffer, out.byteOffset + bitsAt, count * 2);
  const halves = new Uint32Array(source.buffer, source.byteOffset, n * 2);
  for (let j = 0; j < count; j++) {
    bits[2 * j] = halves[2 * positions[j]!]!;
    bits[2 * j + 1] = halves[2 * positions[j]! + 1]!;
  }
  return bitsAt + count * 8;
}

function writeOffsets(
  offsets: Uint8Array | Uint16Array | Uint32Array | Int32Array,
  a: Float64Array | Int32Array,
  base: number,
): void {
  if (base === 0) offsets.set(a);
  else for (let i = 0; i < a.length; i++) offsets[i] = a[i]! - base;
}

function writeHundredths<T extends Uint8Array | Uint16Array | Uint32Array>(
  offsets: T,
  a: Float64Array,
  base: number,
  positions: Uint32Array,
): void {
  let next = 0;
  for (let i = 0; i < a.length; i++) {
    const offset = offsetOf(a[i]!, base);
    if (offset < 0) positions[next++] = i;
    offsets[i] = offset < 0 ? 0 : offset;
  }
}

/** `v`'s offset from `base` in hundredths, or -1 when `v` is an exception. */
function offsetOf(v: number, base: number): number {
  const offset = hundredths(v) - base;
  // NaN fails both comparisons.
  return offset >= 0 && offset <= MAX_OFFSET ? offset : -1;
}

/** Fills `target` from the bytes `plan` wrote at the start of `bytes` (any alignment). */
export function readNarrow(bytes: Uint8Array, plan: Storage, target: Column): void {
  const n = target.length;
  const width = BYTES[plan.stored];
  const stored = aligned(bytes.subarray(0, n * width));
  const offsets = typedView(plan.stored, stored.buffer, stored.byteOffset, n);
  const base = plan.base;

  if (plan.scale !== undefined) {
    for (let i = 0; i < n; i++) target[i] = (base + offsets[i]!) / plan.scale;
  } else if (base === 0) {
    target.set(offsets);
  } else {
    for (let i = 0; i < n; i++) target[i] = base + offsets[i]!;
  }

  const count = plan.exceptions ?? 0;
  if (count === 0) return;
  const exceptionsAt = align8(n * width);
  const bitsAt = exceptionsAt + align8(count * 4);
  const positions = asUint32(bytes.subarray(exceptionsAt, exceptionsAt + count * 4));
  const bits = asUint32(bytes.subarray(bitsAt, bitsAt + count * 8));
  const into = new Uint32Array(target.buffer, target.byteOffset, n * 2);
  for (let j = 0; j < count; j++) {
    into[2 * positions[j]!] = bits[2 * j]!;
    into[2 * positions[j]! + 1] = bits[2 * j + 1]!;
  }
}

/** `bytes` itself when 4-aligned (enough for every stored type), else an aligned copy. */
function aligned(bytes: Uint8Array): Uint8Array {
  // A copy through the constructor: Buffer's own slice() would give a view.
  return bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
}

function asUint32(bytes: Uint8Array): Uint32Array {
  const a = aligned(bytes);
  return new Uint32Array(a.buffer, a.byteOffset, a.length / 4);
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

function isNegativeZero(v: number): boolean {
  return v === 0 && 1 / v < 0;
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}
