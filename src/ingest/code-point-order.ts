/** Sorts strings by Unicode code point (SPEC §2), not by UTF-16 unit as `sort()` does. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Sorted distinct values and a lookup from value to its code (index in that order). */
export function dictionaryOf(values: Iterable<string>): {
  values: string[];
  code: Map<string, number>;
} {
  const sorted = [...new Set(values)].sort(compareCodePoints);
  return { values: sorted, code: new Map(sorted.map((v, i) => [v, i])) };
}
