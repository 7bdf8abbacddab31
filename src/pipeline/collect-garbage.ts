import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs a full collection of the calling worker thread's V8 heap. A worker's load leaves
 * hundreds of MB of garbage at HI-Large scale (its account dictionary, the accounts file and
 * its index), and the kernels that follow allocate too little on the heap for V8 to collect
 * it soon, so it stayed resident through the later steps. Setting `--expose-gc` at run time
 * only makes `gc` reachable, which a new context then hands out.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The longest a column let go stays resident because of one thread's handles on it. */
const SPACING_MS = 250;

let last = -Infinity;
let pending: ReturnType<typeof setTimeout> | null = null;

/**
 * `collectGarbage` once this thread is between tasks, at most once per 250 ms. A collection
 * after every task cost ~1 s of CPU at HI-Small scale, where `normalized` alone sends a hundred
 * short tasks; spaced out, a burst of tasks pays for one.
 */
export function collectSoon(): void {
  if (pending !== null) return;
  const wait = Math.max(0, last + SPACING_MS - performance.now());
  pending = setTimeout(() => {
    pending = null;
    collectGarbage();
    last = performance.now();
  }, wait);
  pending.unref();
}
