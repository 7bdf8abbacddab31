// Trial D (session 17): a stop that came while a step planned still announced the step's
// start, after the CLI had said it was finishing the chunks in flight.
import { describe, expect, it, vi } from 'vitest';

import { AbortedError } from '../../src/errors.js';
import type { ProgressEvent } from '../../src/events.js';
import { runChunks } from '../../src/pipeline/chunks.js';
import type { Context } from '../../src/pipeline/context.js';

/**
 * The parts of a run's context the chunk runner reads, with no chunk recorded yet; the stop
 * comes as the step's plan is recorded, after the restore loop's own checks.
 */
function stoppedContext(events: ProgressEvent[]): Context {
  const controller = new AbortController();
  return {
    fingerprints: { node_features: 'fp' },
    bases: {},
    opts: { transactions: '/data/x.csv' },
    signal: controller.signal,
    emit: (event: ProgressEvent) => events.push(event),
    pool: { heapMb: 1024, size: 2 },
    store: {
      chunksOf: () => new Map(),
      splitsOf: () => new Map(),
      recordPlan: () => {
        controller.abort(new Error('stop'));
        return Promise.resolve();
      },
      dropStaleChunks: () => Promise.resolve(),
    },
  } as unknown as Context;
}

describe('the chunk runner stopped as it plans', () => {
  it('rejects with the stop, announcing no start and computing nothing', async () => {
    const events: ProgressEvent[] = [];
    const compute = vi.fn();

    const stopped = await runChunks(stoppedContext(events), {
      step: 'node_features',
      count: 3,
      compute,
      restore: () => undefined,
    }).catch((error: unknown) => error);

    expect(stopped).toBeInstanceOf(AbortedError);
    expect((stopped as AbortedError).message).toBe('run aborted: stop');
    expect(events.filter((e) => e.kind === 'step-start')).toEqual([]);
    expect(compute).not.toHaveBeenCalled();
  });
});
