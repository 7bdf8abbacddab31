import { drawOf, itemKey, seedKey } from './random.js';

export interface SmoteInput {
  /** Minority train rows, row-major, all model-input columns (`width` wide). */
  rows: Float64Array;
  m: number;
  width: number;
  /** 1 for a scaled column (interpolated), 0 for a code or flag (copied from one end). */
  scaled: Uint8Array;
  neighbours: Int32Array;
  k: number;
  seed: number;
}

/**
 * SPEC §7: synthetic rows s in [from, to) written column-major into `out` at row
 * `offset + s` (out has `outRows` rows). Row s: base = ⌊u0·m⌋, neighbour = its ⌊u1·k⌋-th
 * nearest, g = u2; scaled columns interpolate, unscaled take the base's value when g < 0.5.
 */
export function synthesize(
  inp: SmoteInput,
  out: Float64Array,
  outRows: number,
  offset: number,
  from: number,
  to: number,
): void {
  const { rows, m, width, scaled, neighbours, k, seed } = inp;
  const key = seedKey(seed);
  for (let s = from; s < to; s++) {
    // uniform(seed, s, t) for t = 0, 1, 2, sharing the keys the three draws start from.
    const item = itemKey(key, s);
    const base = Math.floor(drawOf(item, 0) * m);
    const nn = neighbours[base * k + Math.floor(drawOf(item, 1) * k)] as number;
    const g = drawOf(item, 2);
    const x = base * width;
    const y = nn * width;
    const fromBase = g < 0.5;
    let at = offset + s;
    for (let j = 0; j < width; j++, at += outRows) {
      const a = rows[x + j] as number;
      const b = rows[y + j] as number;
      out[at] = scaled[j] === 1 ? a + g * (b - a) : fromBase ? a : b;
    }
  }
}
