import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
      `amlprep: the checkpoint store ${store} is an empty folder, not an LMDB file; rerun ` +
        `with --fresh to replace it, or remove it with 'amlprep clean ${out}'\n`,
    );
    expect(io.err()).not.toMatch(STACK_LINE);
    expect(statSync(store).isDirectory()).toBe(true);
  });

  it('is replaced by a new store with --fresh when it is empty', async () => {
    const out = tempDir();
    const store = join(out, STORE_FILE);
    mkdirSync(store);
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

  // Fresh-user reports (session 11): clean and run --fresh removed such a folder with
  // everything in it, although clean promises to remove files only; then, once only LMDB's
  // file names were allowed, a data.mdb that was a folder of the user's files.
  it.each([
    ['files of its own', { 'data.txt': 'precious', 'sub/x': 'also precious' }],
    ['LMDB’s file names over other things', { 'data.mdb/x': 'mine', 'lock.mdb': '' }],
    ['a data.mdb that is text', { 'data.mdb': 'my notes' }],
  ])('is never removed when it holds %s, by run --fresh or by clean', async (_, files) => {
    const out = tempDir();
    const store = join(out, STORE_FILE);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(store, name)), { recursive: true });
      writeFileSync(join(store, name), text);
    }
    const [fresh, cleaned] = [bufferIo(), bufferIo()];

    const codes = [await main(runArgs(out, '--fresh'), fresh), await main(['clean', out], cleaned)];

    expect(codes).toEqual([2, 2]);
    expect(fresh.err()).toBe(
      `amlprep: the checkpoint store ${store} is a folder with files in it, not an LMDB ` +
        'file; move it away and rerun (amlprep never removes a folder of files)\n',
    );
    expect(cleaned.err()).toBe(
      `amlprep: ${store} is a folder with files in it, not a checkpoint store; move it ` +
        'away (nothing removed)\n',
    );
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(join(store, name), 'utf8')).toBe(text);
    }
  });
});
