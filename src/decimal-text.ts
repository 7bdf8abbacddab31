/**
 * A non-negative number as plain decimal text, the digits JavaScript shows for it: `1e-7` is
 * 0.0000001 (String() gives the exponent form), so split shares and resampling ratios given
 * as numbers are read as the decimals they were written as.
 */
export function decimalText(n: number): string {
  const text = String(n);
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const digits = m[1]! + (m[2] ?? '');
  const point = m[1]!.length + Number(m[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
