import { freemem, totalmem } from 'node:os';

/**
 * Share of the memory available at start that a run plans to use by default. The footprint
 * estimate (footprint.ts) is a model, not a measurement: it leaves out V8's heap growth, the
 * page cache the output writes fill, and other processes that start during a long run. A
 * quarter kept back covers those; at HI-Small scale the estimate came within about 10% of the
 * measured peak (bench/RESULTS.md, 22:10 UTC on 2026-12-04).
 */
export const DEFAULT_SHARE = 0.75;

/**
 * The default `memoryBudget`: three quarters of the memory available now. Available means
 * the kernel's MemAvailable (what `os.freemem()` reads on Linux, page cache it can drop
 * included), or the cgroup's limit when a container sets a lower one, minus what this
 * process already holds.
 */
export function defaultMemoryBudget(): number {
  const limit = cgroupLimit();
  const available =
    limit === null ? freemem() : Math.min(freemem(), limit - process.memoryUsage.rss());
  return Math.max(MIN_BUDGET, Math.floor(available * DEFAULT_SHARE));
}

/** The smallest budget accepted: below it no run fits whatever the mode. */
export const MIN_BUDGET = 2 ** 20;

/** The largest: 8000 TiB, a round number below 2^53 bytes, where sizes stop being exact. */
export const MAX_BUDGET = 8000 * 2 ** 40;

/** The cgroup memory limit Node sees (process.constrainedMemory), or null when unlimited. */
function cgroupLimit(): number | null {
  const read = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory;
  const limit = read?.call(process);
  // Unlimited cgroups report 0, undefined, or a huge number above the machine's memory.
  if (limit === undefined || limit <= 0 || limit >= totalmem()) return null;
  return limit;
}
