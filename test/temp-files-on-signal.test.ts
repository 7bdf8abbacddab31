// Fresh-user report (session 9): Ctrl-C during `generate` or `export` left the file being
// written (`<out>.partial-<pid>`, `<file>.tmp`; 226 MB once) and said nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AtomicFile } from '../src/export/atomic-file.js';
import { run as runLibrary } from '../src/index.js';
import { removeTempFiles } from '../src/temp-files.js';
import { spawnCli, STACK_LINE } from './helpers/cli.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('temp-files');

async function until(test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('temporary files of a process stopped by a signal', () => {
  it('are removed when generate is stopped by SIGINT', async () => {
    const dir = tempDir();
    const out = join(dir, 'transactions.csv');
    const cli = spawnCli(['generate', '--rows', '5m', '--accounts', '100k', '--out', out]);
    await until(() => readdirSync(dir).some((f) => f.includes('.partial-')));

    cli.child.kill('SIGINT');
    const stopped = await cli.done;

    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('amlprep: stopped by SIGINT');
    expect(stopped.stderr).not.toMatch(STACK_LINE);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('go with the empty folders export made when it is stopped by SIGINT', async () => {
    // Fourth trial of session 14: the target folder and its parents stayed, empty.
    const run = tempDir();
    await runLibrary({ ...sampleRunOptions(run), chunkSize: 5000 });
    const root = join(tempDir(), 'made');
    const target = join(root, 'for', 'export');
    const cli = spawnCli(['export', run, '--format', 'csv', '--out', target]);
    await until(() => existsSync(target) && readdirSync(target).some((f) => f.endsWith('.tmp')));

    cli.child.kill('SIGINT');
    const stopped = await cli.done;

    expect(stopped.code).toBe(130);
    expect(existsSync(root)).toBe(false);
  }, 60_000);

  it('are the ones still being written: a committed file stays', () => {
    const dir = tempDir();
    const done = new AtomicFile(join(dir, 'done.txt'));
    done.write('kept');
    done.commit();
    const open = new AtomicFile(join(dir, 'open.txt'));
    open.write('half');
    expect(existsSync(join(dir, 'open.txt.tmp'))).toBe(true);

    removeTempFiles();

    expect(readdirSync(dir)).toEqual(['done.txt']);
    expect(readFileSync(join(dir, 'done.txt'), 'utf8')).toBe('kept');
    open.abort();
  });
});
