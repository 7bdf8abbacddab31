import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { OutputError } from '../src/errors.js';
import { FileSink } from '../src/generate/file-sink.js';
import { generate } from '../src/generate/index.js';
import { STACK_LINE } from './helpers/cli.js';
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
    expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
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
});
