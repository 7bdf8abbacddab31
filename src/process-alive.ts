import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` of this machine may still be running: signal 0 reaches it (or is
 * refused, which means it exists), and it is not a zombie. A killed process stays signalable
 * until its parent reaps it; it holds nothing by then.
 */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
