// Fresh-user trial (session 9): about 1 fast-failing run in 25 aborted the process (exit 134,
// "FATAL ERROR: v8::Module::IsGraphAsync", inside piscina's require() of the worker module):
// the run failed before the second thread had loaded its module, and closing the pool
// terminated it mid-load. close() now waits until every thread has started. The crash needs
// unlucky timing, so this guards it by closing fresh pools at varied moments in a child.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { REPO } from './helpers/paths.js';

const POOL = pathToFileURL(join(REPO, 'dist', 'src', 'pool', 'worker-pool.js')).href;

describe('a pool closed right after it is made', () => {
  it('closes cleanly at any moment of its threads starting', () => {
    const script =
      `const { WorkerPool } = await import(${JSON.stringify(POOL)});` +
      'for (let i = 0; i < 20; i++) {' +
      '  const pool = new WorkerPool(2);' +
      '  await new Promise((r) => setTimeout(r, (i * 7) % 60));' +
      '  await pool.close();' +
      '}' +
      'process.stdout.write("closed");';

    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('closed');
  }, 90_000);
});
