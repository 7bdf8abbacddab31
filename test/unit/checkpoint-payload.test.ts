// A chunk's checkpoint payload stores each column in the narrowest type that holds every value
// exactly (src/checkpoint/payload.ts), and decoding must give back the same type and bits.
import { pack } from 'msgpackr';
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

/** Bytes after the header and its padding: what the arrays take. */
function dataBytes(encoded: Buffer): number {
  return encoded.length - ((4 + encoded.readUInt32LE(0) + 7) & ~7);
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
  };
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

  it('stores a chunk of minute timestamps as 2-byte offsets from the first', () => {
    // 1000 minutes span 59,940 s: under 65,536, so 2 bytes a value.
    const ts = Float64Array.from({ length: 1000 }, (_, i) => 1_662_000_000 + 60 * i);

    const { encoded, decoded } = roundTrip({ ts });

    expect(dataBytes(encoded)).toBe(2000);
    expect(bits(decoded.arrays.ts as Float64Array)).toEqual(bits(ts));
  });

  it('stores int32 codes within 256 of each other in 1 byte, negative ones too', () => {
    const codes = Int32Array.from({ length: 1000 }, (_, i) => -1000 + (i % 200));

    const { encoded, decoded } = roundTrip({ codes });

    expect(dataBytes(encoded)).toBe(1000);
    expect(decoded.arrays.codes).toEqual(codes);
    expect(decoded.arrays.codes).toBeInstanceOf(Int32Array);
  });

  it('gives back the bits of random columns of every shape', () => {
    const random = seeded(7);
    const shapes: (() => Float64Array | Int32Array)[] = [
      () => Float64Array.from({ length: 300 }, () => Math.floor(random() * 2 ** 40) - 2 ** 39),
      () => Float64Array.from({ length: 300 }, () => 1e9 + Math.floor(random() * 70_000)),
      () => Float64Array.from({ length: 300 }, () => Number((random() * 1e6).toFixed(2))),
      () => Float64Array.from({ length: 300 }, () => (random() < 0.05 ? random() : 0.5)),
      () => Float64Array.from({ length: 300 }, () => random() * 1e6),
      () => Int32Array.from({ length: 300 }, () => Math.floor(random() * 2 ** 32) - 2 ** 31),
      () => Int32Array.from({ length: 300 }, () => 5_000_000 + Math.floor(random() * 60_000)),
    ];

    for (let round = 0; round < 20; round++) {
      const arrays = Object.fromEntries(shapes.map((make, i) => [`c${i}`, make()]));

      const { decoded } = roundTrip(arrays);

      for (const [name, a] of Object.entries(arrays)) {
        const got = decoded.arrays[name]!;
        expect(got.constructor).toBe(a.constructor);
        if (a instanceof Float64Array) expect(bits(got as Float64Array)).toEqual(bits(a));
        else expect(got).toEqual(a);
      }
    }
  });

  it('decodes a payload that starts at any byte offset, as LMDB hands them', () => {
    const arrays = {
      ts: Float64Array.from({ length: 41 }, (_, i) => 1_662_000_000 + 60 * i),
      amounts: Float64Array.from({ length: 41 }, (_, i) => (i * 7) / 100),
      codes: Int32Array.from({ length: 41 }, (_, i) => 70_000 + i),
    };
    const encoded = encodePayload(null, arrays);

    for (const shift of [1, 2, 3, 5]) {
      const moved = Buffer.alloc(encoded.length + shift).subarray(shift);
      encoded.copy(moved);

      const decoded = decodePayload(moved);

      expect(bits(decoded.arrays.ts as Float64Array)).toEqual(bits(arrays.ts));
      expect(bits(decoded.arrays.amounts as Float64Array)).toEqual(bits(arrays.amounts));
      expect(decoded.arrays.codes).toEqual(arrays.codes);
    }
  });

  it('reads records written before offsets had a base', () => {
    // The old layout: whole float64 values as plain int32, int32 codes below 256 as uint8.
    const header = pack({
      meta: 'old',
      arrays: {
        ts: { kind: 'f64', length: 2, offset: 0, stored: 'i32' },
        codes: { kind: 'i32', length: 3, offset: 8, stored: 'u8' },
      },
    });
    const dataStart = (4 + header.length + 7) & ~7;
    const record = Buffer.alloc(dataStart + 16);
    record.writeUInt32LE(header.length, 0);
    header.copy(record, 4);
    record.writeInt32LE(1_662_000_000, dataStart);
    record.writeInt32LE(-7, dataStart + 4);
    record.set([1, 2, 255], dataStart + 8);

    const decoded = decodePayload(record);

    expect([...(decoded.arrays.ts as Float64Array)]).toEqual([1_662_000_000, -7]);
    expect([...(decoded.arrays.codes as Int32Array)]).toEqual([1, 2, 255]);
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
      // 17 one-byte offsets: the column ends in padding.
      counts: Float64Array.from({ length: 17 }, (_, i) => 1000 + i),
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
    expect(bits(decoded.arrays.counts as Float64Array)).toEqual(bits(arrays.counts));
  });
});
