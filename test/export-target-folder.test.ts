import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { OutputError } from '../src/errors.js';
import { exportRun } from '../src/export/index.js';
import { STACK_LINE } from './helpers/cli.js';
import { run } from '../src/index.js';
import { copyWithFlippedEdges } from './helpers/arrow.js';
import { runMixedFixture, SAMPLE, sampleRunOptions } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';
import { IS_ROOT, remount, useTmpfs } from './helpers/tmpfs.js';
import { bufferIo } from './helpers/buffer-io.js';

// A fresh-user report: `export` crashed with "internal error (please report)" and a stack
// when it could not create its target folder. It is the user's to fix: one line naming the
// folder and the reason, exit 2.

const tempDir = useTempDirs('export-target');
const sharedDir = useSharedTempDirs('export-target-run');
const mount = useTmpfs();

const FORMATS = ['npy', 'csv', 'multignn'] as const;

/**
 * Exit 2 and one `amlprep: cannot create the output folder <folder>[: <parent>] (<reason>)`
 * line: a parent that could not be made is named.
 */
async function expectRefusal(argv: string[], folder: string, reason: RegExp): Promise<void> {
  const io = bufferIo();
  const code = await main(argv, io);
  const lines = io
    .err()
    .split('\n')
    .filter((l) => l !== '');
  expect(code, io.err()).toBe(2);
  expect(lines, io.err()).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`cannot create the output folder ${folder}(: \\S+)? \\(`));
  expect(lines[0]).toMatch(reason);
  expect(io.err()).not.toContain('internal error');
  expect(io.err()).not.toMatch(STACK_LINE);
}

let finished: string;
beforeAll(async () => {
  finished = join(sharedDir(), 'run');
  await runMixedFixture(finished);
});

describe('export into a folder it cannot create', () => {
  it.each(FORMATS)('--format %s with --out an existing file says EEXIST', async (format) => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');

    await expectRefusal(['export', finished, '--format', format, '--out', file], file, /EEXIST/);
  });

  it.each(FORMATS)('--format %s with --out under a file says ENOTDIR', async (format) => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const out = join(file, 'sub');

    await expectRefusal(['export', finished, '--format', format, '--out', out], out, /ENOTDIR/);
  });

  it('rejects with an OutputError from the library too', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');

    const error = await exportRun(finished, 'csv', join(file, 'sub')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).code).toBe('ERR_AMLPREP_OUTPUT');
  });
});

// Third fresh-user trial (session 16): a multignn export into the folder of the run's
// input, named formatted_transactions.csv, replaced that input.
describe('export into a folder holding the run input', () => {
  it.each([
    ['multignn', 'formatted_transactions.csv', false],
    ['multignn', 'formatted_transactions.csv', true],
    // Fourth fresh-user trial (session 16): csv replaced an input named edges.csv.
    ['csv', 'edges.csv', false],
    ['npy', 'y.npy', false],
  ])(
    'refuses a --format %s export over the run input %s (with --transactions: %s)',
    async (format, name, flag) => {
      const data = tempDir();
      const input = join(data, name);
      cpSync(SAMPLE.transactions, input);
      const runDir = join(tempDir(), 'run');
      await run({ transactions: input, out: runDir, chunkSize: 5000, workers: 2 });
      const before = readFileSync(input);
      const io = bufferIo();
      const extra = flag ? ['--transactions', input] : [];

      const code = await main(['export', runDir, '--format', format, '--out', data, ...extra], io);

      expect(code, io.err()).toBe(2);
      expect(io.err()).toBe(
        `amlprep: the transactions file ${input} is a file this export writes (${input}); ` +
          'export to another folder\n',
      );
      expect(readFileSync(input).equals(before)).toBe(true);
      expect(readdirSync(data)).toEqual([name]);
    },
  );
});

// Trial GG (session 25): an input at a name the export removes (another format's `.tmp`)
// was removed, and then said to be missing; other formats' `.tmp` files and a lock file of
// the user's went without a word.
describe("export into a folder holding files at the export's scratch names", () => {
  it.each([
    ['multignn', 'x.npy.tmp'],
    ['multignn', 'amlprep-export.lock'],
  ])('refuses a --format %s export whose --transactions file is at %s', async (format, name) => {
    const runDir = finished;
    const data = tempDir();
    const input = join(data, name);
    cpSync(SAMPLE.transactions, input);
    const before = readFileSync(input);
    const io = bufferIo();

    const argv = ['export', runDir, '--format', format, '--out', data, '--transactions', input];
    const code = await main(argv, io);

    expect(code, io.err()).toBe(2);
    expect(io.err()).toBe(
      `amlprep: the transactions file ${input} is at a name this export removes (${input}); ` +
        'export to another folder\n',
    );
    expect(readFileSync(input).equals(before)).toBe(true);
  });

  it("keeps other formats' .tmp files when no killed export's lock is there", async () => {
    const runDir = finished;
    const target = tempDir();
    writeFileSync(join(target, 'nodes.csv.tmp'), 'mine');
    writeFileSync(join(target, 'formatted_transactions.csv.tmp'), 'mine too');

    const result = await exportRun(runDir, 'npy', target);

    expect(result.notes).toEqual([]);
    expect(readFileSync(join(target, 'nodes.csv.tmp'), 'utf8')).toBe('mine');
    expect(readFileSync(join(target, 'formatted_transactions.csv.tmp'), 'utf8')).toBe('mine too');
  });
});

describe.skipIf(!IS_ROOT)('export from a run folder on a read-only file system', () => {
  it.each(FORMATS)('--format %s into the default folder says EROFS', async (format) => {
    const disk = join(tempDir(), 'disk');
    mount(disk, 8);
    const run = join(disk, 'run');
    await runMixedFixture(run);
    remount(disk, true);

    await expectRefusal(
      ['export', run, '--format', format],
      join(run, format),
      /\(EROFS: read-only file system\)/,
    );
    expect(readdirSync(run)).not.toContain(format);
  });

  it('--out a nested folder on it says EROFS, not ENOENT', async () => {
    const disk = join(tempDir(), 'disk');
    mkdirSync(disk);
    mount(disk, 1, { readOnly: true });
    const out = join(disk, 'a', 'b');

    const parent = join(disk, 'a');

    await expectRefusal(
      ['export', finished, '--format', 'npy', '--out', out],
      out,
      new RegExp(`: ${parent} \\(EROFS`),
    );
  });
});

// Second trial of session 14: a refused export left the empty target folder it had made.
describe('an export that is refused after making its target folder', () => {
  it('removes that folder and the parents it made again while they are empty', async () => {
    const target = join(tempDir(), 'made', 'then', 'refused');
    const missing = join(tempDir(), 'no-such-transactions.csv');

    const error = await exportRun(finished, 'multignn', target, { transactions: missing }).catch(
      (e: unknown) => e,
    );

    expect((error as Error).message).toMatch(/no-such-transactions\.csv: cannot open \(ENOENT\)/);
    expect(readdirSync(join(target, '..', '..', '..'))).toEqual([]);
  });
});

// Third trial of session 14: npy and multignn exports sized their arrays by the manifest and
// crashed (RangeError) on a longer edges.arrow of another run; csv refused it cleanly.
describe("an export of a folder holding another run's longer edges.arrow", () => {
  it.each(['npy', 'multignn', 'csv'] as const)(
    'is refused for %s, naming the file',
    async (format) => {
      const other = tempDir();
      await run(sampleRunOptions(other));
      const dir = join(tempDir(), 'mixed');
      cpSync(finished, dir, { recursive: true });
      cpSync(join(other, 'edges.arrow'), join(dir, 'edges.arrow'));
      const io = bufferIo();

      const code = await main(['export', dir, '--format', format, '--out', join(dir, 'x')], io);

      expect(code).toBe(2);
      expect(io.err()).toMatch(
        new RegExp(
          `^amlprep: ${join(dir, 'edges.arrow')}: ` +
            `(more than the 20 rows|26751 rows, but|\\d+ bytes, not the \\d+ in manifest)`,
        ),
      );
    },
    60_000,
  );
});

// Fourth trial of session 14: a file of another run with the same row count (or a flipped
// byte) was exported as it was; export now hashes each file as it reads it.
describe('an export of a folder whose file is not the one manifest.json hashed', () => {
  it.each(['npy', 'multignn', 'csv'] as const)(
    'is refused for %s, naming the file',
    async (format) => {
      const dir = join(tempDir(), 'changed');
      const edges = copyWithFlippedEdges(finished, dir);
      const io = bufferIo();

      const code = await main(['export', dir, '--format', format, '--out', join(dir, 'x')], io);

      expect(code).toBe(2);
      expect(io.err()).toMatch(
        new RegExp(`^amlprep: ${edges}: SHA-256 [0-9a-f]{12}… differs from the [0-9a-f]{12}…`),
      );
    },
  );
});

// Fresh-user trial (session 15): a folder at an output's name refused the export (EISDIR) but
// left the file written for it under `<name>.tmp`. Third trial (session 16): a folder at a
// later name (edges.csv) was found at the rename, after nodes.csv was in place.
describe('export with a folder where one of its files goes', () => {
  it.each([
    ['csv', 'nodes.csv'],
    ['npy', 'x.npy'],
    ['multignn', 'formatted_transactions.csv'],
    ['csv', 'edges.csv'],
    ['npy', 'edge_attr.npy'],
    ['multignn', 'formatted_transactions.json'],
  ])('--format %s refuses, naming %s, before writing any file', async (format, name) => {
    const out = tempDir();
    mkdirSync(join(out, name));
    const io = bufferIo();

    const code = await main(['export', finished, '--format', format, '--out', out], io);

    expect(code, io.err()).toBe(2);
    expect(io.err()).toBe(
      `amlprep: cannot write ${join(out, name)}: a folder is at that name; move it away or ` +
        'export to another folder\n',
    );
    expect(io.err()).not.toMatch(STACK_LINE);
    expect(readdirSync(out)).toEqual([name]);
  });
});
