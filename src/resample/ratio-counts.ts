import { decimalText } from '../decimal-text.js';

/**
 * The row counts a resampling ratio asks for (SPEC §7), computed exactly on the decimal the
 * ratio is written as: in floating point 0.07 · 100 is 7.000000000000001, whose ceiling is 8,
 * and 21 / 0.7 is 30.000000000000004 (trial X: one synthetic row too many at ratio 0.07, one
 * majority row too many kept at 0.7).
 */

/** ceil(ratio · majority) − minority: the synthetic rows SMOTE adds (≤ 0: none). */
export function syntheticRows(ratio: number, minority: number, majority: number): number {
  const { num, den } = rational(ratio);
  return Number(ceilDiv(num * BigInt(majority), den) - BigInt(minority));
}

/** ceil(minority / ratio), for a ratio above 0: the majority rows undersampling keeps at most. */
export function majorityToKeep(ratio: number, minority: number): number {
  const { num, den } = rational(ratio);
  return Number(ceilDiv(BigInt(minority) * den, num));
}

/**
 * The majority rows undersampling keeps: `majorityToKeep` of them, at most all; all of them
 * with a ratio of 0 or below. The engine and the readers' check of a manifest share it.
 */
export function majorityKept(ratio: number, minority: number, majority: number): number {
  return ratio > 0 ? Math.min(majority, majorityToKeep(ratio, minority)) : majority;
}

/** SMOTE's neighbours per minority row (SPEC §7): 3, or m − 1 when m < 4. */
export function smoteNeighbours(minority: number): number {
  return Math.min(3, minority - 1);
}

/** `ratio` as the decimal JavaScript shows for it (`String`), a numerator over 10^k. */
function rational(ratio: number): { num: bigint; den: bigint } {
  const text = decimalText(Math.abs(ratio));
  const [whole = '0', fraction = ''] = text.split('.');
  const num = BigInt(whole + fraction);
  return { num: ratio < 0 ? -num : num, den: 10n ** BigInt(fraction.length) };
}

/** ⌈a / b⌉ for b > 0 (BigInt division truncates toward zero). */
function ceilDiv(a: bigint, b: bigint): bigint {
  return a >= 0n ? (a + b - 1n) / b : -(-a / b);
}
