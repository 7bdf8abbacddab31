// data_loaded records Amount Paid only where it differs from Amount Received
// (src/steps/paid-amounts.ts); restoring must give back every bit of the column.
import { describe, expect, it } from 'vitest';

import { paidDifferences, restorePaid } from '../../src/steps/paid-amounts.js';

function bits(a: Float64Array): bigint[] {
  return [...new BigInt64Array(a.buffer, a.byteOffset, a.length)];
}

describe('Amount Paid kept as its differences from Amount Received', () => {
  it('lists the rows that differ, by bits, with Amount Paid there', () => {
    const received = Float64Array.from([10.5, 3, 0, 7, 1e12]);
    const paid = Float64Array.from([10.5, 2.75, -0, 7, 999.99]);

    const d = paidDifferences(received, paid);

    // Row 2 differs only in its sign bit: 0 and -0 compare equal as numbers.
    expect([...d.at]).toEqual([1, 2, 4]);
    expect(d.bits).toHaveLength(6);
  });

  it('restores the column bit for bit, into any stretch of a larger table', () => {
    const received = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const paid = Float64Array.from([1, -0, 3, NaN, 5, 6.25]);
    const d = paidDifferences(received, paid);
    const table = new Float64Array(10).fill(99);
    const into = table.subarray(3, 9);

    restorePaid(received, into, d);

    expect(bits(into)).toEqual(bits(paid));
    expect([table[2], table[9]]).toEqual([99, 99]);
  });

  it('keeps nothing when every row is paid in the currency it was received in', () => {
    const received = Float64Array.from([1.5, 2.5]);

    const d = paidDifferences(received, Float64Array.from(received));

    expect([d.at.length, d.bits.length]).toEqual([0, 0]);
  });
});
