// @ts-check
/**
 * A plain timing loop: a few untimed warm-up calls so the JIT has settled, then timed calls;
 * the median is the headline because one GC pause or page-cache miss should not move it.
 */

/**
 * @typedef {object} Timing
 * @property {number} medianMs
 * @property {number} minMs
 * @property {number} maxMs
 * @property {number} iterations
 */

/**
 * @param {() => unknown} fn  may return a promise, which is awaited inside the timing
 * @param {{ warmup: number, iterations: number, before?: () => unknown }} plan
 *   `before` runs ahead of each call, outside the timing (e.g. to reset state the call consumes)
 * @returns {Promise<Timing>}
 */
export async function time(fn, plan) {
  for (let i = 0; i < plan.warmup; i++) {
    await plan.before?.();
    await fn();
  }
  /** @type {number[]} */
  const samples = [];
  for (let i = 0; i < plan.iterations; i++) {
    await plan.before?.();
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median =
    samples.length % 2 === 1
      ? (samples[mid] ?? NaN)
      : ((samples[mid - 1] ?? NaN) + (samples[mid] ?? NaN)) / 2;
  return {
    medianMs: median,
    minMs: samples[0] ?? NaN,
    maxMs: samples[samples.length - 1] ?? NaN,
    iterations: samples.length,
  };
}
