// The deterministic randomness contract shared with the engine, written out literally.

export function hash32(input: number): number {
  let a = input;
  a ^= a >>> 16;
  a = Math.imul(a, 0x7feb352d);
  a ^= a >>> 15;
  a = Math.imul(a, 0x846ca68b);
  a ^= a >>> 16;
  return a >>> 0;
}

/** A number in [0, 1) that depends only on (seed, s, t). */
export function uniform(seed: number, s: number, t: number): number {
  const key = hash32((seed ^ 0x9e3779b9) >>> 0);
  const a = hash32((key ^ s) >>> 0);
  const b = hash32((a ^ (0x85ebca6b + t)) >>> 0);
  const c = hash32((b ^ 0xc2b2ae35) >>> 0);
  return ((b >>> 5) * 67108864 + (c >>> 6)) / 9007199254740992;
}
