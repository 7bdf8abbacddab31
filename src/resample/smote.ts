import { uniform } from './random.js';

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
  for (let s = from; s < to; s++) {
    const base = Math.floor(uniform(seed, s, 0) * m);
    const nn = neighbours[base * k + Math.floor(uniform(seed, s, 1) * k)] as number;
    const g = uniform(seed, s, 2);
    const x = base * width;
    const y = nn * width;
    for (let j = 0; j < width; j++) {
      const a = rows[x + j] as number;
      const b = rows[y + j] as number;
      const value = scaled[j] === 1 ? a + g * (b - a) : g < 0.5 ? a : b;
      out[j * outRows + offset + s] = value;
    }
  }
}
