// z-scores (SPEC §6, §12): population statistics over the fitted rows.
import { num, type Row } from './table.js';

export interface ColumnStats {
  readonly mean: number;
  readonly std: number;
}

/**
 * Mean and ddof-0 std over `fitted`. A std of 0 divides by 1. A column whose fitted values
 * are all equal uses that value as its mean, so those rows scale to exactly 0 even when a
 * summed mean would be off by a rounding step.
 */
export function fitColumn(fitted: readonly number[]): ColumnStats {
  if (fitted.length === 0) return { mean: 0, std: 1 };
  const first = fitted[0] as number;
  if (fitted.every((x) => x === first)) return { mean: first, std: 1 };
  const mean = fitted.reduce((a, b) => a + b, 0) / fitted.length;
  const variance = fitted.reduce((a, x) => a + (x - mean) ** 2, 0) / fitted.length;
  const std = Math.sqrt(variance);
  return { mean, std: std === 0 ? 1 : std };
}

/** Adds `<name>_z` to every row, fitted on the rows that `fitOn` accepts. */
export function addZScores(
  rows: readonly Row[],
  features: readonly string[],
  fitOn: (index: number) => boolean,
): Record<string, ColumnStats> {
  const stats: Record<string, ColumnStats> = {};
  for (const f of features) {
    const fitted = rows.filter((_, i) => fitOn(i)).map((r) => num(r, f));
    const s = fitColumn(fitted);
    stats[f] = s;
    for (const r of rows) r[`${f}_z`] = (num(r, f) - s.mean) / s.std;
  }
  return stats;
}
