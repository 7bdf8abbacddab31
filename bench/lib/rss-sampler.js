// @ts-check
import { Worker } from 'node:worker_threads';

/**
 * Samples process RSS on its own thread. A timer on the main thread would be starved exactly
 * when memory peaks: the engine merges chunks and writes the Arrow files synchronously on the
 * coordinator. Worker threads share the process, so process RSS covers the whole pool.
 *
 * Slots of the shared array, each a byte count updated with Atomics:
 * WINDOW is the peak since the last `takeWindowPeak()`, OVERALL the peak since start.
 */
const WINDOW = 0;
const OVERALL = 1;
const SLOTS = 2;

// CommonJS because eval workers are not modules; it keeps the sampler free of any import.
const SAMPLER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { peaks, intervalMs } = workerData;
${raise.toString()}
setInterval(() => {
  const rss = BigInt(process.memoryUsage.rss());
  raise(peaks, ${WINDOW}, rss);
  raise(peaks, ${OVERALL}, rss);
}, intervalMs);
`;

/**
 * Lifts a slot to `value` unless it is already higher; a CAS loop because both threads write.
 * Its source is also pasted into the sampler, so it must not use anything from this module.
 * @param {BigInt64Array} peaks
 * @param {number} slot
 * @param {bigint} value
 */
function raise(peaks, slot, value) {
  let seen = Atomics.load(peaks, slot);
  while (value > seen) {
    const was = Atomics.compareExchange(peaks, slot, seen, value);
    if (was === seen) return;
    seen = was;
  }
}

/**
 * @typedef {object} RssSampler
 * @property {() => number} takeWindowPeak  peak since the previous call, then starts a new window
 * @property {() => number} overallPeak
 * @property {() => Promise<void>} stop
 */

/**
 * @param {number} intervalMs
 * @returns {RssSampler}
 */
export function startRssSampler(intervalMs) {
  const peaks = new BigInt64Array(new SharedArrayBuffer(SLOTS * 8));
  const now = () => BigInt(process.memoryUsage.rss());
  Atomics.store(peaks, WINDOW, now());
  Atomics.store(peaks, OVERALL, now());
  const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { peaks, intervalMs } });
  worker.unref();

  // A sample taken on the caller's thread too, so a window shorter than the interval
  // still reports what it ended at rather than the previous window's value.
  const merge = () => {
    const rss = now();
    raise(peaks, OVERALL, rss);
    return rss;
  };

  return {
    takeWindowPeak: () => {
      const rss = merge();
      const peak = Atomics.exchange(peaks, WINDOW, rss);
      return Number(peak > rss ? peak : rss);
    },
    overallPeak: () => {
      merge();
      return Number(Atomics.load(peaks, OVERALL));
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}
