import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AbortedError, OptionError } from '../src/errors.js';
import { generate } from '../src/generate/index.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('generate-abort');

const small = (out: string, seed: number) => ({ rows: 20_000, accounts: 500, out, seed }) as const;

// Trial F (session 18): an embedding job could not stop a generate() of billions of rows.
describe('generate() with an AbortSignal', () => {
  it('stops between blocks, rejecting with the reason, and leaves none of its files', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const options = {
      rows: 5_000_000,
      accounts: 10_000,
      out: join(dir, 'tx.csv'),
      accountsOut: join(dir, 'accounts.csv'),
      signal: controller.signal,
    };
    setTimeout(() => controller.abort(new Error('deploy')), 100);

    const error = (await generate(options).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(AbortedError);
    expect(error.message).toBe('generate aborted: deploy');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes nothing when the signal is already aborted', async () => {
    const dir = tempDir();

    const error = (await generate({
      ...small(join(dir, 'tx.csv'), 42),
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(AbortedError);
    expect(error.message).toBe('generate aborted');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a signal that is not an AbortSignal', async () => {
    const options = { ...small(join(tempDir(), 'tx.csv'), 42), signal: 'stop' as never };

    await expect(generate(options)).rejects.toThrow(
      new OptionError('options.signal must be an AbortSignal, got "stop"'),
    );
  });
});
