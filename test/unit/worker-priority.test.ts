// Worker threads run a few steps nicer than the coordinator (src/pool/worker-priority.ts), so
// the coordinator's serial work is not starved when every core runs a worker.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { REPO } from '../helpers/paths.js';

/** The niceness of the calling thread: field 19 of its stat line (Linux). */
const NICE_OF_THREAD = `
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);`;

/** Lowers a fresh worker thread by `niceness` and reports what it and the process have. */
function lowerInWorker(niceness: number): Promise<{ worker: number; process: number }> {
  const module = pathToFileURL(join(REPO, 'dist/src/pool/worker-priority.js')).href;
  const source = `
    import { readFileSync } from 'node:fs';
    import { parentPort } from 'node:worker_threads';
    import { lowerThisThread } from '${module}';
    lowerThisThread(${niceness});
    ${NICE_OF_THREAD}
    const main = readFileSync('/proc/self/stat', 'utf8');
    const processNice = Number(main.slice(main.lastIndexOf(')') + 2).split(' ')[16]);
    parentPort.postMessage({ worker: nice, process: processNice });`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { worker: number; process: number }) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

function niceOf(path: string): number {
  const stat = readFileSync(path, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.runIf(process.platform === 'linux')('a worker thread’s priority', () => {
  it('is lowered for that thread only, not for the process’s main thread', async () => {
    const before = niceOf('/proc/self/stat');

    const seen = await lowerInWorker(3);

    expect(seen.worker).toBe(Math.min(19, before + 3));
    expect(seen.process).toBe(before);
    expect(niceOf('/proc/self/stat')).toBe(before);
  });
});
