// SPEC §7: k nearest minority neighbours by Euclidean distance; the row itself is excluded
// by index, so an exact duplicate is a neighbour at distance 0; ties go to the smaller index.
import { describe, expect, it } from 'vitest';

import { nearestNeighbours } from '../../src/resample/knn.js';

/** Brute force: every other row sorted by (squared distance, index), first k. */
function reference(points: Float64Array, m: number, d: number, k: number): number[] {
  const out: number[] = [];
  for (let q = 0; q < m; q++) {
    const cands: [number, number][] = [];
    for (let p = 0; p < m; p++) {
      if (p === q) continue;
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (points[q * d + j]! - points[p * d + j]!) ** 2;
      cands.push([dist, p]);
    }
    cands.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.push(...cands.slice(0, k).map((c) => c[1]));
  }
  return out;
}

function knn(points: number[], d: number, k: number): number[] {
  const m = points.length / d;
  const out = new Int32Array(m * k);
  nearestNeighbours(Float64Array.from(points), m, d, k, out, 0, m);
  return [...out];
}

describe('nearestNeighbours', () => {
  it('finds neighbours of a hand-worked 1-D set', () => {
    // Points 0, 1, 1, 3, −1; k = 2. Squared distances:
    //   q0: p1 1, p2 1, p3 9, p4 1   → ties at 1 keep the smaller indices: 1, 2
    //   q1: p0 1, p2 0, p3 4, p4 4   → 2 (duplicate, distance 0), 0
    //   q2: p0 1, p1 0, p3 4, p4 4   → 1, 0
    //   q3: p0 9, p1 4, p2 4, p4 16  → 1, 2
    //   q4: p0 1, p1 4, p2 4, p3 16  → 0, 1
    expect(knn([0, 1, 1, 3, -1], 1, 2)).toEqual([1, 2, 2, 0, 1, 0, 1, 2, 0, 1]);
  });

  it('finds neighbours of a hand-worked 2-D set', () => {
    // (0,0), (3,4), (0,0), (1,1); k = 3.
    //   q0: p1 25, p2 0, p3 2 → 2, 3, 1
    //   q1: p0 25, p2 25, p3 13 → 3, 0, 2
    //   q2: p0 0, p1 25, p3 2 → 0, 3, 1
    //   q3: p0 2, p1 13, p2 2 → 0, 2, 1
    expect(knn([0, 0, 3, 4, 0, 0, 1, 1], 2, 3)).toEqual([2, 3, 1, 3, 0, 2, 0, 3, 1, 0, 2, 1]);
  });

  it('never lists a row as its own neighbour, even among duplicates', () => {
    // Four identical rows, k = 3: each row's neighbours are the other three, in index order.
    expect(knn([5, 5, 5, 5], 1, 3)).toEqual([1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2]);
  });

  it('writes only the query rows [from, to)', () => {
    const points = Float64Array.from([0, 1, 1, 3, -1]);
    const out = new Int32Array(10).fill(-7);
    nearestNeighbours(points, 5, 1, 2, out, 2, 4);
    expect([...out]).toEqual([-7, -7, -7, -7, 1, 0, 1, 2, -7, -7]);
  });

  it('matches brute force on random integer points with many ties', () => {
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4_294_967_296;
    for (let trial = 0; trial < 40; trial++) {
      const m = 4 + Math.floor(next() * 30);
      const d = 1 + Math.floor(next() * 4);
      const k = 1 + Math.floor(next() * Math.min(5, m - 1));
      const points = Array.from({ length: m * d }, () => Math.floor(next() * 4) - 2);
      expect(knn(points, d, k), `trial ${trial}`).toEqual(
        reference(Float64Array.from(points), m, d, k),
      );
    }
  });

  it('matches brute force on random real-valued points', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4_294_967_296;
    const m = 60;
    const d = 5;
    const points = Array.from({ length: m * d }, () => next() * 6 - 3);
    expect(knn(points, d, 3)).toEqual(reference(Float64Array.from(points), m, d, 3));
  });
});
