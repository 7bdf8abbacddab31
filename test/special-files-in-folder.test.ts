// Second trial of session 14: a FIFO in the output folder under a name amlprep opens
// (amlprep.lock, checkpoints.mdb, manifest.json, an Arrow file) hung run, status, clean,
// inspect and export inside open(2), deaf to Ctrl-C. Every command now refuses it first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { exportRun, InputError, inspectRun, readOutputs, run } from '../src/index.js';
import { main } from '../src/cli/main.js';
import { bufferIo } from './helpers/buffer-io.js';
import { SAMPLE, sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('special-files');

/** A folder with a FIFO named `name`, or null where `mkfifo` is not available. */
function folderWithFifo(name: string): string | null {
  const dir = tempDir();
  try {
    execFileSync('mkfifo', [join(dir, name)]);
    return dir;
  } catch {
    return null;
  }
}

const NAMES = ['amlprep.lock', 'checkpoints.mdb', 'manifest.json', 'edges.arrow'];
const COMMANDS: [string, (dir: string) => string[]][] = [
  ['run', (dir) => ['run', SAMPLE.transactions, '--out', dir, '--chunk-size', '5000']],
  ['run --dry-run', (dir) => ['run', SAMPLE.transactions, '--out', dir, '--dry-run']],
  ['status', (dir) => ['status', dir]],
  ['clean', (dir) => ['clean', dir]],
  ['inspect', (dir) => ['inspect', dir]],
  ['export', (dir) => ['export', dir, '--format', 'csv', '--out', join(dir, 'x')]],
];

describe('a FIFO under a name amlprep opens in the output folder', () => {
  it.each(NAMES.flatMap((name) => COMMANDS.map(([what, argv]) => [name, what, argv] as const)))(
    '%s is refused by %s at once, naming it',
    async (name, what, argv) => {
      const dir = folderWithFifo(name);
      if (dir === null) return;
      const io = bufferIo();

      const code = await main(argv(dir), io);

      expect(code).toBe(2);
      // Only a run can choose another folder.
      const away = what.startsWith('run') ? ' or choose another folder' : '';
      expect(io.err()).toBe(
        `amlprep: ${join(dir, name)} is a FIFO, not a file; amlprep opens a file of that name ` +
          `there: move it away${away}\n`,
      );
    },
    10_000,
  );
});

// Trial Q (session 21): readOutputs rejected a FIFO at an output's name with a
// CheckpointError, where every other problem a reader finds in its folder is an InputError.
describe('a FIFO under a name the readers open', () => {
  it.each(['manifest.json', 'edges.arrow'])('%s is an InputError for every reader', async (n) => {
    const dir = folderWithFifo(n);
    if (dir === null) return;
    const words = `${join(dir, n)} is a FIFO, not a file`;

    for (const read of [
      () => readOutputs(dir),
      () => inspectRun(dir),
      () => exportRun(dir, 'csv', join(dir, 'x')),
    ]) {
      const error = await read().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(words);
    }
  });
});

// Trial Q (session 21): a folder at nodes.arrow was measured as a file of 4096 bytes ("more
// rows than its bytes could hold"), and stopped a multignn export, which never reads it.
describe('a folder in place of nodes.arrow', () => {
  it('is named as a folder by npy and csv exports, and left alone by multignn', async () => {
    // More nodes than a folder's 4096 bytes: the sample's 26,771.
    const dir = tempDir();
    await run(sampleRunOptions(dir));
    rmSync(join(dir, 'nodes.arrow'));
    mkdirSync(join(dir, 'nodes.arrow'));

    for (const format of ['npy', 'csv']) {
      const io = bufferIo();
      const target = join(dir, format);
      expect(await main(['export', dir, '--format', format, '--out', target], io)).toBe(2);
      expect(io.err()).toBe(
        `amlprep: ${join(dir, 'nodes.arrow')}: is a folder, not an output file\n`,
      );
      expect(existsSync(target)).toBe(false);
    }
    const io = bufferIo();
    const target = join(dir, 'mg');
    expect(await main(['export', dir, '--format', 'multignn', '--out', target], io)).toBe(0);
    expect(existsSync(join(target, 'formatted_transactions.csv'))).toBe(true);
  }, 30_000);
});

// Third trial of session 14: a folder named checkpoints.mdb-lock crashed LMDB (SIGSEGV, no
// message), and folders named rejected_rows.csv or edge-features.spill failed a run at its
// end with a stack trace. Folders under output names keep their own message.
describe('a folder under a name amlprep keeps a file by', () => {
  // checkpoints.mdb-lock for every command that opens the store; the others for a run, which
  // writes them, and the lock for `clean` too (which otherwise leaves folders alone; `status`
  // reads none of them).
  const cases = [
    ...COMMANDS.slice(0, 4).map(([what, argv]) => ['checkpoints.mdb-lock', what, argv] as const),
    ...['rejected_rows.csv', 'edge-features.spill', 'amlprep.lock', 'nodes.arrow.tmp'].flatMap(
      (name) => COMMANDS.slice(0, 2).map(([what, argv]) => [name, what, argv] as const),
    ),
    // clean takes the run's lock: it said "taking over the stale lock failed (EISDIR)".
    ['amlprep.lock', COMMANDS[3]![0], COMMANDS[3]![1]] as const,
  ];
  it.each(cases)(
    '%s is refused by %s at once, naming it',
    async (name, what, argv) => {
      const dir = tempDir();
      mkdirSync(join(dir, name));
      const io = bufferIo();

      const code = await main(argv(dir), io);

      expect(code).toBe(2);
      const away = what.startsWith('run') ? ' or choose another folder' : '';
      expect(io.err()).toBe(
        `amlprep: ${join(dir, name)} is a folder, not a file; amlprep opens a file of that ` +
          `name there: move it away${away}\n`,
      );
    },
    10_000,
  );

  it.each(['checkpoints.mdb', 'checkpoints.mdb-lock'])(
    'refuses a symbolic link at %s, even a dangling one, for a run too',
    async (name) => {
      // Fourth trial: a linked checkpoints.mdb kept the store elsewhere, or shared another
      // folder's (and crashed when both ran).
      const dir = tempDir();
      const target = join(tempDir(), 'elsewhere');
      symlinkSync(target, join(dir, name));
      const io = bufferIo();

      const code = await main(['run', SAMPLE.transactions, '--out', dir], io);

      expect(code).toBe(2);
      expect(io.err()).toContain(`${join(dir, name)} is a symbolic link; amlprep keeps its own`);
      expect(existsSync(target)).toBe(false);
    },
  );

  it('refuses a symbolic link at a lock name, even a dangling one, writing nothing', async () => {
    const dir = tempDir();
    const target = join(tempDir(), 'elsewhere');
    symlinkSync(target, join(dir, 'checkpoints.mdb-lock'));
    const io = bufferIo();

    const code = await main(['status', dir], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: ${join(dir, 'checkpoints.mdb-lock')} is a symbolic link; amlprep keeps its ` +
        'own file there: move it away\n',
    );
    expect(existsSync(target)).toBe(false);
  });
});
