// Fresh-user trial (session 14): a FIFO given as an input hung the command in its open, deaf
// to Ctrl-C; a transactions file cut short while it was read gave a run that "succeeded" with
// most rows missing. Inputs that are not regular files are refused at once, and an input that
// changes under a run stops it with a message saying so.
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { InputError, run, type ProgressEvent } from '../src/index.js';
import { sampleRunOptions, SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('inputs-changing');

/** A FIFO at a fresh path, or null where `mkfifo` is not available. */
function fifo(): string | null {
  const path = join(tempDir(), 'pipe.csv');
  try {
    execFileSync('mkfifo', [path]);
    return path;
  } catch {
    return null;
  }
}

/** Runs on a copy of the sample, calling `meddle` with its path after the first parsed chunk. */
async function runMeddled(meddle: (path: string) => void): Promise<unknown> {
  const transactions = join(tempDir(), 'transactions.csv');
  copyFileSync(SAMPLE.transactions, transactions);
  let done = false;
  return run({
    ...sampleRunOptions(tempDir(), 1000),
    transactions,
    workers: 1,
    onProgress: (e: ProgressEvent) => {
      if (done || e.kind !== 'chunk-done' || e.step !== 'data_loaded') return;
      done = true;
      meddle(transactions);
    },
  }).catch((error: unknown) => error);
}

describe('an input that is not a regular file', () => {
  it.each(['transactions', 'accounts', 'patterns'] as const)(
    'is refused at once when the %s file is a FIFO',
    async (which) => {
      const pipe = fifo();
      if (pipe === null) return;

      const error = await run({ ...sampleRunOptions(tempDir()), [which]: pipe }).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(`${pipe}: not a regular file (a FIFO)`);
    },
    10_000,
  );
});

describe('a transactions file that changes while the run reads it', () => {
  it('stops the run when it is cut short, naming where it now ends', async () => {
    // Cut at a line break well before the end: every row after it is gone.
    const cut = (path: string) => {
      const text = readFileSync(path);
      let at = 0;
      for (let line = 0; line < 2000; line++) at = text.indexOf(10, at) + 1;
      truncateSync(path, at);
      return at;
    };
    let at = 0;

    const error = await runMeddled((path) => (at = cut(path)));

    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `transactions\\.csv: changed during the run \\(it now ends at byte ${at}\\); the ` +
          'outputs would match neither version, so the run stops: rerun once the file is ' +
          'complete$',
      ),
    );
  }, 60_000);

  it('stops the run when rows are appended, with the sizes before and after', async () => {
    const size = readFileSync(SAMPLE.transactions).length;
    const row = readFileSync(SAMPLE.transactions, 'utf8').split('\n')[1]!;

    const error = await runMeddled((path) => appendFileSync(path, `${row}\n`));

    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(
      `transactions.csv: changed during the run (${size} bytes at the start, ` +
        `${size + row.length + 1} now)`,
    );
  }, 60_000);
});
