import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { STORE_FILE } from '../src/checkpoint/store.js';
import { main } from '../src/cli/main.js';
import { STACK_LINE } from './helpers/cli.js';
import { REPO } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { bufferIo } from './helpers/buffer-io.js';

// A fresh-user report: a directory named checkpoints.mdb in the output folder made `run`
// exit 1 with an EISDIR stack. It is a checkpoint error the user can fix: exit 2, one line
// saying what was found and that --fresh or removing it fixes it.

const tempDir = useTempDirs('store-dir');
const mixed = join(REPO, 'test', 'fixtures', 'tiny', 'mixed.csv');

function runArgs(out: string, ...extra: string[]): string[] {
  return ['run', mixed, '--out', out, '--chunk-size', '4', '--workers', '1', ...extra];
}

describe('a directory where the checkpoint store belongs', () => {
  it('is refused with exit 2, naming it and the two fixes', async () => {
    const out = tempDir();
    const store = join(out, STORE_FILE);
    mkdirSync(store);
    const io = bufferIo();

    const code = await main(runArgs(out), io);

    expect(code, io.err()).toBe(2);
    expect(io.err()).toBe(
      `amlprep: the checkpoint store ${store} is a directory, not an LMDB file; rerun with ` +
        `--fresh to replace it, or remove it with 'amlprep clean ${out}'\n`,
    );
    expect(io.err()).not.toMatch(STACK_LINE);
    expect(statSync(store).isDirectory()).toBe(true);
  });

  it('is replaced by a new store with --fresh when it holds only LMDB files', async () => {
    const out = tempDir();
    const store = join(out, STORE_FILE);
    mkdirSync(store);
    writeFileSync(join(store, 'data.mdb'), 'not ours');
    writeFileSync(join(store, 'lock.mdb'), '');
    const io = bufferIo();

    const code = await main(runArgs(out, '--fresh', '--quiet'), io);

    expect(code, io.err()).toBe(0);
    expect(statSync(store).isFile()).toBe(true);
  });

  it('is removed by amlprep clean, after which the run succeeds', async () => {
    const out = tempDir();
    mkdirSync(join(out, STORE_FILE));

    expect(await main(['clean', out], bufferIo())).toBe(0);
    expect(await main(runArgs(out, '--quiet'), bufferIo())).toBe(0);
  });

  // Fresh-user report (session 11): clean and run --fresh removed such a folder with
  // everything in it, although clean promises to remove files only.
  it('is never removed when it holds other files, by run --fresh or by clean', async () => {
    const out = tempDir();
    const store = join(out, STORE_FILE);
    mkdirSync(join(store, 'sub'), { recursive: true });
    writeFileSync(join(store, 'data.txt'), 'precious');
    writeFileSync(join(store, 'sub', 'x'), 'also precious');
    const [fresh, cleaned] = [bufferIo(), bufferIo()];

    const codes = [await main(runArgs(out, '--fresh'), fresh), await main(['clean', out], cleaned)];

    expect(codes).toEqual([2, 2]);
    expect(fresh.err()).toBe(
      `amlprep: the checkpoint store ${store} is a folder holding other files, not an LMDB ` +
        'file; move it away and rerun (amlprep never removes a folder of files it did not ' +
        'write)\n',
    );
    expect(cleaned.err()).toBe(
      `amlprep: ${store} is a folder holding other files, not a checkpoint store; move it ` +
        'away (nothing removed)\n',
    );
    expect(readFileSync(join(store, 'data.txt'), 'utf8')).toBe('precious');
    expect(readFileSync(join(store, 'sub', 'x'), 'utf8')).toBe('also precious');
  });
});
