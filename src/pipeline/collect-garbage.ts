import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs a full collection of the calling worker thread's V8 heap. A worker's load leaves
 * hundreds of MB of garbage at HI-Large scale (its account dictionary, the accounts file's
 * row objects), and the kernels that follow allocate too little on the heap for V8 to collect
 * it soon, so it stayed resident through the later steps. Setting `--expose-gc` at run time
 * only makes `gc` reachable, which a new context then hands out.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
