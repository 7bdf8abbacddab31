import { constants, PerformanceObserver } from 'node:perf_hooks';

import { describe, expect, it } from 'vitest';

import { collectSoon } from '../../src/pipeline/collect-garbage.js';

// Workers collect their heap after tasks so shared columns the coordinator let go are freed,
// but a collection after each of a hundred short tasks cost a second of CPU: they are spaced.

/** Forced (explicit) full collections of this thread while `body` runs. */
async function forcedCollections(body: () => Promise<void>): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const flags = (entry as { detail?: { flags?: number } }).detail?.flags ?? 0;
      if ((flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await body();
  // Entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return count;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('collections after worker tasks', () => {
  it('happen once for a burst of tasks, not once per task', async () => {
    const count = await forcedCollections(async () => {
      // A burst of 40 short tasks over ~120 ms, then a quiet spell.
      for (let i = 0; i < 40; i++) {
        collectSoon();
        await sleep(3);
      }
      await sleep(600);
    });
    // The first request collects at once; the rest of the burst waits for one more, 250 ms on.
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(3);
  });

  it('still happen after a lone task', async () => {
    await sleep(300);
    const count = await forcedCollections(async () => {
      collectSoon();
      await sleep(50);
    });
    expect(count).toBe(1);
  });
});
