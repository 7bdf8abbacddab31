// SPEC §9: `edge_id` is an edge's data record in the transactions file. With records 0, 3, 4
// and 9 rejected, the kept records are 1, 2, 5, 6, 7, 8, 10, 11 (worked out by hand).
import { describe, expect, it } from 'vitest';

import { edgeIds } from '../../src/output/arrow-columns.js';

const KEPT = [1, 2, 5, 6, 7, 8, 10, 11];

function ids(rejected: number[], from: number, to: number): number[] {
  const data = edgeIds('edge_id', Float64Array.from(rejected)).slice(from, to);
  return Array.from(data.values as BigInt64Array, Number);
}

describe('edge_id column', () => {
  it('numbers each row by its data record, skipping the rejected ones', () => {
    expect(ids([0, 3, 4, 9], 0, 8)).toEqual(KEPT);
  });

  it('gives a batch that starts mid-table the ids the whole column has there', () => {
    for (const [from, to] of [
      [0, 1],
      [2, 5],
      [3, 8],
      [7, 8],
    ] as const) {
      expect(ids([0, 3, 4, 9], from, to)).toEqual(KEPT.slice(from, to));
    }
  });

  it('is the row number when nothing was rejected', () => {
    expect(ids([], 5, 9)).toEqual([5, 6, 7, 8]);
  });
});
