import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Niceness of worker threads. The coordinator's work (merging parsed chunks in file order,
 * committing checkpoints, the steps' serial tails) is the run's critical path, and with as
 * many workers as cores it used to get a third of a core while both workers computed ahead.
 * A worker a few steps nicer yields the core when the coordinator needs it and has it
 * otherwise; on a machine with spare cores nothing changes.
 */
export const WORKER_NICENESS = 5;

/**
 * Lowers the calling thread's priority by `niceness` from what the process runs at (so a job
 * started under `nice` keeps its place). Linux only, where a thread has its own id; elsewhere,
 * or where the system refuses, nothing happens: it is a scheduling hint, never a failure.
 */
export function lowerThisThread(niceness = WORKER_NICENESS): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0)
      setPriority(tid, Math.min(19, getPriority(tid) + niceness));
  } catch {
    // Not Linux, or no /proc: the worker keeps the process's priority.
  }
}
