// Fresh-user trial (session 14): a FIFO given as an input hung the command in its open, deaf
// to Ctrl-C; a transactions file cut short while it was read gave a run that "succeeded" with
// most rows missing. Inputs that are not regular files are refused at once, and an input that
// changes under a run stops it with a message saying so.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { InputChangedError, InputError, run, type ProgressEvent } from '../src/index.js';
import { sha256Of } from './helpers/hash.js';
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

function writeInPlace(path: string, at: number, text: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, text, at);
  } finally {
    closeSync(fd);
  }
}

/** Runs on a copy of the sample, calling `meddle` with its path after the first parsed chunk. */
async function runMeddled(
  meddle: (path: string) => void,
  transactions = join(tempDir(), 'transactions.csv'),
  out = tempDir(),
): Promise<unknown> {
  copyFileSync(SAMPLE.transactions, transactions);
  let done = false;
  return run({
    ...sampleRunOptions(out, 1000),
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

describe('an input refused at its header', () => {
  it.each(['transactions', 'accounts'] as const)(
    'leaves no output folder behind when the %s file is compressed',
    async (which) => {
      // Second trial of session 14: the folder and an empty checkpoint store were made first.
      const gz = join(tempDir(), `${which}.csv.gz`);
      writeFileSync(gz, gzipSync(readFileSync(SAMPLE[which])));
      const out = join(tempDir(), 'not-made');

      const error = await run({ ...sampleRunOptions(out), [which]: gz }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/file is gzip-compressed/);
      expect(existsSync(out)).toBe(false);
    },
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

    // Whichever notices first: a chunk read past the new end, or the check before a record.
    expect(error).toBeInstanceOf(InputChangedError);
    const size = readFileSync(SAMPLE.transactions).length;
    expect((error as Error).message).toMatch(
      new RegExp(
        `transactions\\.csv: changed during the run \\((it now ends at byte ${at}|` +
          `${size} bytes at the start, ${at} now)\\); the outputs would match neither ` +
          'version, so the run stops: rerun once nothing changes the file any more$',
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

  // Second trial of session 14: a rewrite whose mtime was set back, and a file of the same
  // size and mtime moved over the input, passed the size and mtime check.
  it('stops the run when it is rewritten and its mtime set back', async () => {
    const rewrite = (path: string) => {
      const { atime, mtime } = statSync(path);
      // Late in the file, so chunks still to be read meet it: a label 0 becomes 1, written in
      // place (a rewrite from the start would cut the file short for a moment).
      writeInPlace(path, readFileSync(path).lastIndexOf(',0\n') + 1, '1');
      utimesSync(path, atime, mtime);
    };

    const error = await runMeddled(rewrite);

    expect(error).toBeInstanceOf(InputChangedError);
    expect((error as InputChangedError).code).toBe('ERR_AMLPREP_INPUT_CHANGED');
    expect((error as Error).message).toContain(
      'changed during the run (written to since the start)',
    );
  }, 60_000);

  it('stops the run when a file of the same size and mtime is moved over it', async () => {
    const swap = (path: string) => {
      const other = `${path}.other`;
      copyFileSync(path, other);
      const { atime, mtime } = statSync(path);
      utimesSync(other, atime, mtime);
      renameSync(other, path);
    };

    const error = await runMeddled(swap);

    expect(error).toBeInstanceOf(InputChangedError);
    expect((error as Error).message).toContain('(another file was moved over it)');
  }, 60_000);

  it("keeps no chunk of a stopped run: the file put back gives a fresh run's bytes", async () => {
    // The file is changed and then restored byte for byte with its mtime: its fingerprint is
    // the first one again, and chunks parsed from the changed bytes must not be reused.
    const transactions = join(tempDir(), 'transactions.csv');
    const out = tempDir();
    let at = 0;
    let times = { atime: new Date(), mtime: new Date() };
    const change = (path: string) => {
      times = statSync(path);
      at = readFileSync(path).lastIndexOf(',0\n') + 1;
      writeInPlace(path, at, '1');
    };
    const stopped = await runMeddled(change, transactions, out);
    expect(stopped).toBeInstanceOf(InputChangedError);
    writeInPlace(transactions, at, '0');
    utimesSync(transactions, times.atime, times.mtime);
    expect(readFileSync(transactions).equals(readFileSync(SAMPLE.transactions))).toBe(true);

    await run({ ...sampleRunOptions(out, 1000), transactions, workers: 1 });
    const fresh = await run({ ...sampleRunOptions(tempDir(), 1000), workers: 1 });

    expect(sha256Of(out)).toEqual(sha256Of(fresh.out));
  }, 90_000);
});
