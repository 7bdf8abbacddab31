// A chunk's checkpoint payload stores each column in the narrowest type that holds every value
// exactly (src/checkpoint/payload.ts), and decoding must give back the same type and bits.
import { describe, expect, it } from 'vitest';

import { decodePayload, encodePayload } from '../../src/checkpoint/payload.js';
import { Scratch } from '../../src/scratch-buffer.js';

function roundTrip(arrays: Record<string, Float64Array | Int32Array | Uint8Array>) {
  const encoded = encodePayload({ note: 'meta' }, arrays);
  return { encoded, decoded: decodePayload(encoded) };
}

/** The bits of a float64 column, so -0 and NaN compare exactly. */
function bits(a: Float64Array): bigint[] {
  return [...new BigInt64Array(a.buffer, a.byteOffset, a.length)];
}

function bufferScratch(): Scratch<Buffer> {
  return new Scratch((n) => Buffer.allocUnsafeSlow(n));
}

describe('a checkpoint payload', () => {
  it('gives back whole-number float64 columns with their exact values and type', () => {
    const ts = Float64Array.from([1_662_000_000, 1_662_000_060, -5, 0, 2 ** 31 - 1]);

    const { decoded } = roundTrip({ ts });

    expect(decoded.arrays.ts).toBeInstanceOf(Float64Array);
    expect(bits(decoded.arrays.ts as Float64Array)).toEqual(bits(ts));
    expect(decoded.meta).toEqual({ note: 'meta' });
  });

  it('keeps the bits of fractions, -0, NaN and values past int32', () => {
    for (const odd of [0.5, -0, NaN, 2 ** 31, -(2 ** 31) - 1, Infinity]) {
      const column = Float64Array.from([1, 2, odd, 3]);

      const { decoded } = roundTrip({ column });

      expect(bits(decoded.arrays.column as Float64Array)).toEqual(bits(column));
    }
  });

  it('gives back int32 codes with their exact values, small or not', () => {
    const small = Int32Array.from([0, 7, 255, 3]);
    const large = Int32Array.from([0, 256, 3]);
    const negative = Int32Array.from([2, -1]);

    const { decoded } = roundTrip({ small, large, negative });

    expect(decoded.arrays.small).toEqual(small);
    expect(decoded.arrays.large).toEqual(large);
    expect(decoded.arrays.negative).toEqual(negative);
    expect(decoded.arrays.small).toBeInstanceOf(Int32Array);
  });

  it('writes whole-number float64 columns in 4 bytes a value and small codes in 1', () => {
    const n = 1000;
    const whole = Float64Array.from({ length: n }, (_, i) => 1_662_000_000 + 60 * i);
    const codes = Int32Array.from({ length: n }, (_, i) => i % 15);
    const fractions = Float64Array.from({ length: n }, (_, i) => i + 0.25);

    const narrow = roundTrip({ whole, codes }).encoded.length;
    const wide = roundTrip({ fractions, codes: Int32Array.from(codes, (c) => c + 1000) }).encoded
      .length;

    // Header aside: 4n + n bytes against 8n + 4n bytes.
    expect(wide - narrow).toBeGreaterThanOrEqual(7 * n - 64);
    expect(wide - narrow).toBeLessThanOrEqual(7 * n + 64);
  });

  it('decodes into shared memory, so restored chunks can go to workers', () => {
    const { decoded } = roundTrip({ ts: Float64Array.from([1, 2]), c: Int32Array.from([1]) });

    expect(decoded.arrays.ts!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(decoded.arrays.c!.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('has the same bytes encoded into a reused buffer as into a fresh one', () => {
    const scratch = bufferScratch();
    // A first, larger payload of noise leaves the buffer dirty where the second one pads.
    const noise = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e6);
    encodePayload({ first: true }, { noise, codes: Int32Array.from([1, 900, 3]) }, scratch);
    const arrays = {
      ts: Float64Array.from([5, 6, 7]),
      codes: Int32Array.from([1, 2, 3, 4, 5]),
      label: Uint8Array.from([1, 0, 1]),
      x: Float64Array.from([0.5, -0]),
    };

    const reused = Buffer.from(encodePayload({ second: true }, arrays, scratch));
    const ones = bufferScratch();
    ones.take(1 << 16).fill(0xff);
    const overOnes = Buffer.from(encodePayload({ second: true }, arrays, ones));
    const fresh = encodePayload({ second: true }, arrays);

    // Two different leftovers give the same bytes: padding is written, not inherited.
    expect(reused.equals(overOnes)).toBe(true);
    expect(reused.equals(fresh)).toBe(true);
    const decoded = decodePayload(fresh);
    expect([...(decoded.arrays.codes as Int32Array)]).toEqual([1, 2, 3, 4, 5]);
    expect(bits(decoded.arrays.x as Float64Array)).toEqual(bits(arrays.x));
  });
});
