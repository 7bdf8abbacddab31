// Fresh-user report (session 9): Ctrl-C during `generate` or `export` left the file being
// written (`<out>.partial-<pid>`, `<file>.tmp`; 226 MB once) and said nothing.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  // Fresh-user trial (session 16): a SIGKILL gives generate no chance to remove its partial
  // file, and a rerun left it there too. The rerun removes those of dead processes only.
  it('left by a generate killed with SIGKILL are removed by the next generate', async () => {
    const dir = tempDir();
    const out = join(dir, 'transactions.csv');
    const killed = spawnCli(['generate', '--rows', '5m', '--accounts', '100k', '--out', out]);
    await until(() => readdirSync(dir).some((f) => f.includes('.partial-')));
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    const left = `transactions.csv.partial-${killed.child.pid}-1`;
    expect(readdirSync(dir)).toEqual([left]);
    // A running process's partial file and another output's are not this generate's to take.
    const alive = spawn('sleep', ['30']);
    const running = `transactions.csv.partial-${alive.pid}`;
    writeFileSync(join(dir, running), 'being written');
    writeFileSync(join(dir, `accounts.csv.partial-${killed.child.pid}`), 'another output');

    try {
      const again = await spawnCli(['generate', '--rows', '1k', '--accounts', '100', '--out', out])
        .done;

      expect(again.code, again.stderr).toBe(0);
      expect(readdirSync(dir).sort()).toEqual([
        `accounts.csv.partial-${killed.child.pid}`,
        'transactions.csv',
        running,
      ]);
    } finally {
      alive.kill('SIGKILL');
    }
  }, 60_000);

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
