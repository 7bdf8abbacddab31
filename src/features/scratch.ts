const held = new Map<string, Int32Array>();

/**
 * A per-thread Int32Array of `length` values, all `fill`, reused by the next task of the same
 * thread that asks for `name`. Node-range kernels need arrays sized by the whole graph (12 MB
 * each at 3 M nodes) on every task; fresh ones per task left hundreds of MB of freed blocks
 * that the C allocator keeps, which showed as resident memory under a budget. Tasks on one
 * thread run one at a time, so one array per name is never shared by two.
 */
export function scratchInt32(name: string, length: number, fill: number): Int32Array {
  let a = held.get(name);
  if (a === undefined || a.length !== length) {
    a = new Int32Array(length);
    held.set(name, a);
  }
  return a.fill(fill);
}
