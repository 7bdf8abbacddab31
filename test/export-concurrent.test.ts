// Trial R (session 21): two processes exporting to one target folder wrote the same
// `<file>.tmp` names and removed each other's; one could end with exit 0 beside a file cut
// short, an empty arrays.json or another run's x.npy. An export now takes the target folder's
// lock (amlprep-export.lock) for its whole length, as a run takes its output folder's.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exportRun, run } from '../src/index.js';
import { EXPORT_FILE_NAMES } from '../src/export/file-names.js';
import { runCli, STACK_LINE } from './helpers/cli.js';
import { sha256File } from './helpers/hash.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('export-concurrent');
const sharedDir = useSharedTempDirs('export-concurrent-run');

/** Every file of a folder with its SHA-256, by name. */
function folderHashes(dir: string): Record<string, string> {
  const names = readdirSync(dir).sort();
  return Object.fromEntries(names.map((name) => [name, sha256File(join(dir, name))]));
}

describe('two exports to one target folder at once', () => {
  let finished = '';
  const alone: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    finished = sharedDir();
    await run(sampleRunOptions(finished));
    for (const format of ['csv', 'npy']) {
      const target = join(sharedDir(), format);
      const result = await runCli(['export', finished, '--format', format, '--out', target]);
      expect(result.code, result.stderr).toBe(0);
      alone[format] = folderHashes(target);
    }
  }, 120_000);

  it.each(['csv', 'npy'])(
    'end with the files of one export, the other refused (%s)',
    async (format) => {
      for (let round = 0; round < 3; round++) {
        const target = join(tempDir(), 'both');
        const argv = ['export', finished, '--format', format, '--out', target];

        const results = await Promise.all([runCli(argv), runCli(argv)]);

        // Both may succeed one after the other; one that does not says why, and no more.
        for (const result of results) {
          expect(result.stderr).not.toMatch(STACK_LINE);
          if (result.code === 0) continue;
          expect(result.code, result.stderr).toBe(2);
          expect(result.stderr).toMatch(
            new RegExp(`^amlprep: ${target} is in use by another amlprep export \\(pid \\d+`),
          );
        }
        expect(results.some((r) => r.code === 0)).toBe(true);
        expect(folderHashes(target)).toEqual(alone[format]);
      }
    },
    120_000,
  );

  it("is refused while a live export holds the target's lock, and takes a stale one", async () => {
    const target = join(tempDir(), 'held');
    mkdirSync(target);
    const lock = join(target, 'amlprep-export.lock');
    // A live node process stands for the other export.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const holder = { pid: other.pid, host: hostname(), startedAt: '2026-12-06T04:00:00.000Z' };
    writeFileSync(lock, JSON.stringify(holder));
    const argv = ['export', finished, '--format', 'csv', '--out', target];
    try {
      const refused = await runCli(argv);

      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `amlprep: ${target} is in use by another amlprep export (pid ${other.pid} on ` +
          `${hostname()}, started ${holder.startedAt}); wait for it to finish or stop it ` +
          `first (if no amlprep export runs there, remove ${lock})\n`,
      );
      expect(readdirSync(target)).toEqual(['amlprep-export.lock']);
    } finally {
      other.kill('SIGKILL');
      await new Promise((done) => other.once('exit', done));
    }

    const taken = await runCli(argv);

    expect(taken.code, taken.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(folderHashes(target)).toEqual(alone.csv);
  }, 60_000);
});

/** The lock a SIGKILLed export leaves: its holder, a pid that no process has, is gone. */
function writeDeadLock(target: string, startedAt: string): void {
  const dead = { pid: 2 ** 22 + 17, host: hostname(), startedAt };
  writeFileSync(join(target, 'amlprep-export.lock'), JSON.stringify(dead));
}

describe('an export after a killed one', () => {
  // Trial S (session 21): an export of another format took over the killed export's lock but
  // left its .tmp files (13 MB of csv beside a multignn export).
  it("removes any format's leftover .tmp files, and nothing else", async () => {
    const finished = sharedDir();
    await run(sampleRunOptions(finished));
    const target = join(tempDir(), 'after-kill');
    mkdirSync(target);
    const leftovers = ['edges.csv.tmp', 'x.npy.tmp', 'arrays.json.tmp'];
    for (const name of [...leftovers, 'notes.tmp']) writeFileSync(join(target, name), 'partial');
    writeDeadLock(target, new Date(Date.now() - 60_000).toISOString());

    const result = await runCli(['export', finished, '--format', 'multignn', '--out', target]);

    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(target).sort()).toEqual([
      'formatted_transactions.csv',
      'formatted_transactions.json',
      'notes.tmp',
    ]);
  }, 60_000);

  // Trial T (session 21): an npy export killed between its renames left x.npy of one run
  // beside arrays.json of another; a csv export then removed arrays.json.tmp without a word.
  it("notes another format's files that a killed export left half renamed", async () => {
    const finished = sharedDir();
    await run(sampleRunOptions(finished));
    const target = join(tempDir(), 'half');
    mkdirSync(target);
    // The killed export began a minute ago and renamed x.npy before it was killed.
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(join(target, 'x.npy'), 'renamed already');
    writeFileSync(join(target, 'arrays.json.tmp'), 'not yet');
    writeDeadLock(target, startedAt);

    const csv = await exportRun(finished, 'csv', target);

    expect(csv.notes).toEqual([
      `an export killed while it renamed its npy files into ${target} left some of them ` +
        `unrenamed (removed now): the npy files there may come from two exports; export ` +
        `--format npy again`,
    ]);
    expect(existsSync(join(target, 'arrays.json.tmp'))).toBe(false);
    // Its own format's leftovers are replaced by its files: nothing to say.
    writeFileSync(join(target, 'edges.csv.tmp'), 'partial');
    expect((await exportRun(finished, 'csv', target)).notes).toEqual([]);
  }, 60_000);

  // Trial U: one killed before it renamed any file was noted all the same.
  it('says nothing of a killed export that renamed none of its files', async () => {
    const finished = sharedDir();
    await run(sampleRunOptions(finished));
    const target = join(tempDir(), 'none-renamed');
    mkdirSync(target);
    // x.npy is an earlier export's, older than the killed one's start.
    writeFileSync(join(target, 'x.npy'), 'an earlier export');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(target, 'x.npy'), hourAgo, hourAgo);
    writeFileSync(join(target, 'x.npy.tmp'), 'being written');
    writeDeadLock(target, new Date(Date.now() - 60_000).toISOString());

    const csv = await exportRun(finished, 'csv', target);

    expect(csv.notes).toEqual([]);
    expect(existsSync(join(target, 'x.npy.tmp'))).toBe(false);
  }, 60_000);

  it.each(['npy', 'csv', 'multignn'] as const)(
    'knows every file a %s export writes',
    async (format) => {
      const finished = sharedDir();
      await run(sampleRunOptions(finished));

      const result = await exportRun(finished, format, join(tempDir(), format));

      const known: readonly string[] = EXPORT_FILE_NAMES[format];
      expect(result.files.map((f) => basename(f)).filter((f) => !known.includes(f))).toEqual([]);
    },
    60_000,
  );
});
