/**
 * Exact k nearest neighbours among the minority rows, by brute force over a row-major matrix
 * of the scaled columns (`m` rows × `d`). Ties go to the smaller index; the row itself is
 * excluded by index, so an exact duplicate is a neighbour at distance 0. O(m²·d): fine for the
 * laundering minority of the real data sets (a few thousand train rows).
 */
export function nearestNeighbours(
  points: Float64Array,
  m: number,
  d: number,
  k: number,
  out: Int32Array,
  from: number,
  to: number,
): void {
  const bestDist = new Float64Array(k);
  const bestIdx = new Int32Array(k);

  for (let q = from; q < to; q++) {
    bestDist.fill(Infinity);
    bestIdx.fill(-1);
    const qa = q * d;
    for (let p = 0; p < m; p++) {
      if (p === q) continue;
      const pa = p * d;
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = (points[qa + j] as number) - (points[pa + j] as number);
        dist += diff * diff;
      }
      // Strictly smaller only: scanning p upward keeps the smaller index on equal distance.
      if (dist >= (bestDist[k - 1] as number)) continue;
      let i = k - 1;
      while (i > 0 && dist < (bestDist[i - 1] as number)) {
        bestDist[i] = bestDist[i - 1] as number;
        bestIdx[i] = bestIdx[i - 1] as number;
        i--;
      }
      bestDist[i] = dist;
      bestIdx[i] = p;
    }
    out.set(bestIdx, q * k);
  }
}
