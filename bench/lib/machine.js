// @ts-check
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, loadavg, release, totalmem } from 'node:os';

/**
 * @typedef {object} Machine
 * @property {string} hostname
 * @property {string} cpu        model name from /proc/cpuinfo (os.cpus() elsewhere)
 * @property {number} cores      logical CPUs the process may use
 * @property {number} memoryBytes
 * @property {string} node
 * @property {string} os
 * @property {number[]} loadAverage  1, 5 and 15 minutes, at start: other load skews results
 */

/** @returns {Machine} */
export function describeMachine() {
  return {
    hostname: hostname(),
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadAverage: loadNow(),
  };
}

/** /proc/cpuinfo is preferred: in VMs os.cpus() often reports a blank or generic model. */
function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) return match[1].trim();
  } catch {
    // Not Linux: fall through to os.cpus().
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** 1, 5 and 15 minute load averages, rounded for reading. */
export function loadNow() {
  return loadavg().map((v) => Number(v.toFixed(2)));
}

/** @param {Machine} m */
export function machineLine(m) {
  const gib = (m.memoryBytes / 1024 ** 3).toFixed(1);
  return (
    `${m.cpu}, ${m.cores} cores, ${gib} GiB RAM, Node ${m.node}, ${m.os}, ` +
    `load average ${m.loadAverage.join(' ')} at start`
  );
}
