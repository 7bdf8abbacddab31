// @ts-check
import { readFileSync } from 'node:fs';

/**
 * Readers of /proc/self. Each returns null where /proc is missing (macOS) or unreadable
 * (some sandboxes hide /proc/self/io), so callers print a dash instead of failing.
 */

/** Peak resident set of the whole process (all threads), in bytes. */
export function readVmHWM() {
  return statusField('VmHWM');
}

/** @param {string} name */
function statusField(name) {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(
      readFileSync('/proc/self/status', 'utf8'),
    );
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/**
 * @typedef {object} IoCounters
 * @property {number} wchar        bytes passed to write-like syscalls
 * @property {number} writeBytes   bytes the kernel sent (or will send) to storage
 */

/**
 * Write counters of the thread group: worker threads and lmdb's writer thread included.
 * @returns {IoCounters | null}
 */
export function readIo() {
  try {
    const text = readFileSync('/proc/self/io', 'utf8');
    const field = (/** @type {string} */ key) => {
      const match = new RegExp(`^${key}:\\s+(\\d+)$`, 'm').exec(text);
      return match?.[1] === undefined ? NaN : Number(match[1]);
    };
    const counters = { wchar: field('wchar'), writeBytes: field('write_bytes') };
    return Number.isNaN(counters.wchar) ? null : counters;
  } catch {
    return null;
  }
}

/** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every mainstream build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds spent by every process on the machine, and by this one (all its threads). The
 * difference over a run is the CPU other programs took meanwhile: on a shared 2-core box,
 * the best predictor of a disturbed measurement.
 * @returns {{ machineBusy: number, self: number } | null}
 */
export function readCpuSeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
    const busy = ticks.reduce((n, t, i) => (i === 3 || i === 4 || i > 7 ? n : n + t), 0);
    const self = process.cpuUsage();
    return { machineBusy: busy / TICKS_PER_SECOND, self: (self.user + self.system) / 1e6 };
  } catch {
    return null;
  }
}
