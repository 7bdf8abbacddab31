import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AbortedError, run, status, type ProgressEvent } from '../src/index.js';
import { sha256Of } from './helpers/hash.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('abort');

function options(out: string) {
  return sampleRunOptions(out, 1000);
}

describe('run() with an AbortSignal', () => {
  it('stops between chunks with an AbortedError; a rerun keeps what finished', async () => {
    const out = tempDir();
    const controller = new AbortController();
    const events: ProgressEvent[] = [];

    const stopped = await run({
      ...options(out),
      signal: controller.signal,
      onProgress: (event) => {
        events.push(event);
        // Abort once a few node_features chunks are done.
        if (event.kind === 'chunk-done' && event.step === 'node_features' && event.done === 3) {
          controller.abort();
        }
      },
    }).catch((error: unknown) => error);

    expect(stopped).toBeInstanceOf(AbortedError);
    expect((stopped as AbortedError).code).toBe('ERR_AMLPREP_ABORTED');
    const recorded = await status(out);
    expect(recorded.find((s) => s.step === 'data_loaded')?.record).not.toBeNull();
    expect(recorded.find((s) => s.step === 'node_features')?.chunksDone).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.kind === 'step-end' && e.step === 'graph_created')).toBe(false);

    const resumed = await run(options(out));
    const clean = await run(options(tempDir()));
    expect(resumed.resumed).toContain('data_loaded');
    expect(sha256Of(out)).toEqual(sha256Of(clean.out));
  });

  it('rejects at once, creating nothing, when the signal is already aborted', async () => {
    // Fresh-user trial: the folder and an empty checkpoint store were made first.
    const out = join(tempDir(), 'not-made');

    const stopped = await run({ ...options(out), signal: AbortSignal.abort() }).catch(
      (error: unknown) => error,
    );

    expect(stopped).toBeInstanceOf(AbortedError);
    expect(existsSync(out)).toBe(false);
  });

  // Second fresh-user trial (session 16): the error said only "run aborted", whatever the
  // caller gave abort() as the reason.
  it.each([
    ['an Error', new Error('deadline passed'), 'run aborted: deadline passed'],
    ['a string', 'shutting down', 'run aborted: shutting down'],
    ['nothing (the default AbortError)', undefined, 'run aborted'],
    // Trial C (session 17): an AbortError with a message of its own lost it.
    [
      'an AbortError of its own',
      new DOMException('custom stop', 'AbortError'),
      'run aborted: custom stop',
    ],
    ['an object with a message', { message: 'object stop' }, 'run aborted: object stop'],
    ['an object without one', { code: 3 }, 'run aborted'],
    // Trial W (session 22): a reason whose message cannot be read gave the caller's own error.
    [
      'an object whose message getter throws',
      {
        get message(): string {
          throw new Error('getter boom');
        },
      },
      'run aborted',
    ],
    [
      'a Proxy that throws',
      new Proxy(
        {},
        {
          get() {
            throw new Error('proxy boom');
          },
        },
      ),
      'run aborted',
    ],
  ])('says the reason given to abort(), %s', async (_, reason, message) => {
    const controller = new AbortController();
    controller.abort(reason);

    const stopped = await run({ ...options(tempDir()), signal: controller.signal }).catch(
      (error: unknown) => error,
    );

    expect(stopped).toBeInstanceOf(AbortedError);
    expect((stopped as AbortedError).message).toBe(message);
    expect((stopped as AbortedError).cause).toBe(controller.signal.reason);
  });

  it('says the reason when the abort comes mid-run', async () => {
    const controller = new AbortController();

    const stopped = await run({
      ...options(tempDir()),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'chunk-done' && event.step === 'node_features') {
          controller.abort(new Error('user pressed stop'));
        }
      },
    }).catch((error: unknown) => error);

    expect((stopped as AbortedError).message).toBe('run aborted: user pressed stop');
  });

  // Third fresh-user trial (session 17): while graph_created wrote its files, the error said
  // only "run aborted": a writer thread's own AbortedError was the one reported.
  it.each([0, 10, 40])(
    'says the reason when the abort comes %d ms into graph_created',
    async (delay) => {
      const controller = new AbortController();
      const reason = new Error('job cancelled');

      const stopped = await run({
        ...options(tempDir()),
        signal: controller.signal,
        onProgress: (event) => {
          if (event.kind === 'step-start' && event.step === 'graph_created') {
            setTimeout(() => controller.abort(reason), delay);
          }
        },
      }).catch((error: unknown) => error);

      // A run that finished before the timer fired has nothing to say.
      if (stopped instanceof AbortedError) {
        expect(stopped.message).toBe('run aborted: job cancelled');
        expect(stopped.cause).toBe(reason);
      }
    },
  );

  it.each([
    ['as data_loaded hands out its first chunks', 'step-start', 0],
    ['after its first parsed chunk', 'chunk-done', 1],
    ['after a few parsed chunks', 'chunk-done', 4],
  ])(
    'rejects with an AbortedError when aborted %s, while the side files are still being read',
    async (_, kind, done) => {
      // The chunk runner can stop before the accounts and patterns files are read; its
      // rejection must wait to be awaited, not end the process as an unhandled one.
      const controller = new AbortController();
      const stopped = await run({
        ...options(tempDir()),
        signal: controller.signal,
        onProgress: (event) => {
          if (event.step !== 'data_loaded' || event.kind !== kind) return;
          if (event.kind === 'chunk-done' && event.done !== done) return;
          controller.abort();
        },
      }).catch((error: unknown) => error);

      expect(stopped).toBeInstanceOf(AbortedError);
    },
  );
});
