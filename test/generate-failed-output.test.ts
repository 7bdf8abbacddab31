import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { OutputError } from '../src/errors.js';
import { FileSink } from '../src/generate/file-sink.js';
import { isTrackedTempFile } from '../src/temp-files.js';
import { generate } from '../src/generate/index.js';
import { spawnCli, STACK_LINE } from './helpers/cli.js';
import { sha256File } from './helpers/hash.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { bufferIo } from './helpers/buffer-io.js';

// A fresh-user report: `generate --out <an existing directory>` failed (exit 2) but left
// `<dir>.partial-<pid>` behind. A failed generate leaves no partial file.

const tempDir = useTempDirs('generate-fail');

describe('generate into a path it cannot write', () => {
  it('refuses an --out that is a directory with exit 2 and leaves no partial file', async () => {
    const parent = tempDir();
    const out = join(parent, 'somedir');
    mkdirSync(out);
    const io = bufferIo();

    const code = await main(['generate', '--rows', '200', '--accounts', '40', '--out', out], io);

    expect(code, io.err()).toBe(2);
    expect(io.err()).toBe(`amlprep: cannot write ${out}: it is a directory (give a file path)\n`);
    expect(io.err()).not.toMatch(STACK_LINE);
    expect(readdirSync(parent)).toEqual(['somedir']);
    expect(readdirSync(out)).toEqual([]);
  });

  it('removes the partial accounts file when --accounts-out is a directory', async () => {
    const dir = tempDir();
    const accountsOut = join(dir, 'accounts');
    mkdirSync(accountsOut);

    const error = await generate({
      rows: 200,
      accounts: 40,
      out: join(dir, 'tx.csv'),
      accountsOut,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutputError);
    // Nothing is left: the transactions file is not written when another path fails.
    expect(readdirSync(dir)).toEqual(['accounts']);
  });

  // Fresh-user report (session 11): a path under a regular file ended in a stack trace, a
  // later path that failed left the earlier files written (and the rerun then refused them),
  // and a dangling symbolic link at --out was replaced without --force.
  it('refuses a path under a regular file with one line and exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain'), '');
    const io = bufferIo();

    const code = await main(
      ['generate', '--rows', '10', '--accounts', '32', '--out', join(dir, 'plain', 'x.csv')],
      io,
    );

    expect(code, io.err()).toBe(2);
    expect(io.err()).toBe(
      `amlprep: cannot create the output folder ${join(dir, 'plain')} ` +
        '(EEXIST: a file of that name exists)\n',
    );
  });

  it('writes none of the files when one of the paths cannot be written', async () => {
    const dir = tempDir();
    const args = ['--rows', '10', '--accounts', '32', '--out', join(dir, 'tx.csv')];
    const io = bufferIo();

    const code = await main(
      ['generate', ...args, '--patterns-out', '/proc/amlprep-cannot-be-here.txt'],
      io,
    );

    expect(code, io.err()).toBe(2);
    expect(io.err()).toMatch(/^amlprep: cannot write \/proc\/amlprep-cannot-be-here\.txt \(E/);
    expect(io.err()).not.toContain('.partial-');
    expect(readdirSync(dir)).toEqual([]);
  });

  // Third trial (session 11): through a link to a folder, two paths named one file; both
  // wrote the same temporary file, and --force replaced a real file with the mix.
  it('refuses two paths that are one file through a linked folder, writing nothing', async () => {
    const dir = tempDir();
    symlinkSync('.', join(dir, 'here'));
    writeFileSync(join(dir, 'y.csv'), 'mine');
    const io = bufferIo();

    const code = await main(
      [
        'generate',
        ...['--rows', '100', '--accounts', '40', '--force'],
        ...['--out', join(dir, 'here', 'y.csv'), '--accounts-out', join(dir, 'y.csv')],
      ],
      io,
    );

    expect(code).toBe(2);
    expect(io.err()).toBe(
      'amlprep: generate: --accounts-out and --out name the same file ' +
        "(see 'amlprep generate --help')\n",
    );
    expect(readFileSync(join(dir, 'y.csv'), 'utf8')).toBe('mine');
    expect(readdirSync(dir).sort()).toEqual(['here', 'y.csv']);
  });

  it('refuses a symbolic link at --out, even one to nothing, unless --force', async () => {
    const dir = tempDir();
    const link = join(dir, 'link.csv');
    symlinkSync(join(dir, 'missing.csv'), link);
    const args = ['generate', '--rows', '10', '--accounts', '32', '--out', link];
    const io = bufferIo();

    const refused = await main(args, io);
    const forced = await main([...args, '--force'], bufferIo());

    expect(refused).toBe(2);
    expect(io.err()).toBe(
      `amlprep: ${link} exists (a symbolic link); generate replaces it only when asked ` +
        '(--force, or overwrite: true)\n',
    );
    expect(forced).toBe(0);
    expect(lstatSync(link).isFile()).toBe(true);
  });

  it('refuses a FIFO at a path even with --force, and leaves it a FIFO', async () => {
    // Second trial of session 14: --force renamed a regular file over a FIFO (and, as root,
    // over /dev/null).
    const dir = tempDir();
    const fifo = join(dir, 'accounts.csv');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return;
    }
    const io = bufferIo();

    const code = await main(
      ['generate', '--rows', '10', '--accounts', '32', '--out', join(dir, 'tx.csv')].concat([
        '--accounts-out',
        fifo,
        '--force',
      ]),
      io,
    );

    expect(code).toBe(2);
    expect(io.err()).toBe(`amlprep: ${fifo} is a FIFO, not a file; generate writes only files\n`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['accounts.csv']);
  });

  it('removes the partial file when the final rename fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'tx.csv');
    const sink = await FileSink.open(path, 1024);
    await sink.writeText('header\n');
    // Something takes the name while the file is written: the rename cannot replace it.
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');

    await expect(sink.close()).rejects.toBeInstanceOf(OutputError);

    expect(readdirSync(dir)).toEqual(['tx.csv']);
  });
  // Fresh-user trial (session 15): a SIGINT while a sink was being opened left an empty
  // `.partial-<pid>` (2 of 20 under load): the file was on disk before the list the signal
  // handler empties had it. Whenever the file exists, the list must hold it.
  it('lists the partial file for the signal handler before it exists on disk', async () => {
    const dir = tempDir();
    const unlisted: string[] = [];
    for (let i = 0; i < 50; i++) {
      const prefix = `tx${i}.csv.partial-${process.pid}-`;
      let open = true;
      const opened = FileSink.open(join(dir, `tx${i}.csv`), 1024).finally(() => (open = false));
      while (open) {
        for (const name of readdirSync(dir).filter((n) => n.startsWith(prefix))) {
          if (!isTrackedTempFile(join(dir, name))) unlisted.push(name);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await (await opened).abort();
    }

    expect(unlisted).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
  // Second fresh-user trial (session 15): a SIGINT between the renames left the transactions
  // file without its accounts and patterns files, and the same command then refused to run.
  // Until the last file is in place, every one in place must be listed for the handler.
  it('keeps the files it has renamed into place listed until the whole set is', async () => {
    const dir = tempDir();
    const paths = ['t.csv', 'a.csv', 'p.txt'].map((f) => join(dir, f));
    const unlisted = new Set<string>();
    let running = true;
    const done = generate({
      rows: 20_000,
      accounts: 500,
      out: paths[0]!,
      accountsOut: paths[1],
      patternsOut: paths[2],
    }).finally(() => (running = false));
    while (running) {
      for (const path of paths) {
        if (existsSync(path) && !isTrackedTempFile(path)) unlisted.add(path);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;

    expect([...unlisted]).toEqual([]);
    expect(paths.every((path) => existsSync(path) && !isTrackedTempFile(path))).toBe(true);
  });
});

// Trial G (session 18): two generate processes to one path both passed the "already there"
// check at their start, both said they wrote it, and the later rename replaced the other's.
describe('a file that appears at the path while generate writes', () => {
  it('is not replaced without overwrite, and the sink says why', async () => {
    const dir = tempDir();
    const path = join(dir, 'tx.csv');
    const sink = await FileSink.open(path, 1024);
    await sink.writeText('ours\n');
    writeFileSync(path, 'another process wrote this\n');

    const error = (await sink.close(false).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(OutputError);
    expect(error.message).toBe(
      `${path} appeared while this generate was writing it (another process's?); generate ` +
        'replaces a file only when asked (--force, or overwrite: true)',
    );
    expect(readFileSync(path, 'utf8')).toBe('another process wrote this\n');
    expect(readdirSync(dir)).toEqual(['tx.csv']);
  });

  it('is replaced with overwrite', async () => {
    const dir = tempDir();
    const path = join(dir, 'tx.csv');
    const sink = await FileSink.open(path, 1024);
    await sink.writeText('ours\n');
    writeFileSync(path, 'another process wrote this\n');

    await sink.close(true);

    expect(readFileSync(path, 'utf8')).toBe('ours\n');
  });

  it('leaves one of two generate commands to one path the winner, the other refused', async () => {
    const dir = tempDir();
    const out = join(dir, 'tx.csv');
    const command = (seed: string) =>
      spawnCli(['generate', '--rows', '100k', '--accounts', '2k', '--seed', seed, '--out', out])
        .done;

    const results = await Promise.all([command('1'), command('2')]);

    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('')).toEqual([0, 2]);
    const winner = results.findIndex((r) => r.code === 0);
    const alone = join(dir, 'alone.csv');
    await generate({ rows: 100_000, accounts: 2_000, seed: winner + 1, out: alone });
    // Hashes, not the bytes: a diff of two 9 MB buffers takes vitest minutes.
    expect(sha256File(out)).toBe(sha256File(alone));
    expect(results[1 - winner]!.stderr).toMatch(/tx\.csv (exists|appeared while)/);
    expect(readdirSync(dir).sort()).toEqual(['alone.csv', 'tx.csv']);
  });
});
