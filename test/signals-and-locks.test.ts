import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { LockedError } from '../src/errors.js';
import { run } from '../src/index.js';

import { runCli, spawnCli, STACK_LINE } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { SAMPLE_ROWS, sampleRunArgs, sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Issue "crash-proof resume": SIGINT/SIGTERM stop cleanly with 130/143 and a resume line;
// one run per output folder, with a stale lock from a killed run taken over.

const tempDir = useTempDirs('signals');

function args(out: string): string[] {
  return sampleRunArgs(out, 1000);
}

describe('a run stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s finishes the chunks in flight, exits %i and says how to resume',
    async (sig, code) => {
      const out = tempDir();
      const clean = tempDir();
      expect((await runCli(args(clean))).code).toBe(0);

      const cli = spawnCli(args(out));
      await cli.waitForStderr(/data_loaded: start/);
      cli.child.kill(sig);
      const stopped = await cli.done;

      expect(stopped.code, stopped.stderr).toBe(code);
      expect(stopped.stderr).toContain('Rerun the same command to resume');
      expect(stopped.stderr).not.toMatch(STACK_LINE);
      // Off a terminal there is no progress bar to end: the message is the log's next line.
      expect(stopped.stderr).toMatch(new RegExp(`^amlprep: ${sig} received`, 'm'));
      expect(stopped.stderr).not.toMatch(/^\n|\n\n/);
      const rerun = await runCli(args(out));
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(sha256Of(out)).toEqual(sha256Of(clean));
    },
  );

  it('exits at once on a second SIGINT, and a rerun still completes', async () => {
    const out = tempDir();
    const cli = spawnCli(args(out));
    await cli.waitForStderr(/data_loaded: start/);
    cli.child.kill('SIGINT');
    // Sent together, the two would arrive as one signal.
    await cli.waitForStderr(/SIGINT received/);
    cli.child.kill('SIGINT');
    const stopped = await cli.done;

    expect(stopped.code, stopped.stderr).toBe(130);
    expect((await runCli(args(out))).code).toBe(0);
  });

  // Trial C (session 17): after a second signal the JSON log ended with a `signal` line; a
  // reader waiting for the `interrupted` event with the exit code never got one.
  it('ends a JSON log with the interrupted event after a second SIGINT too', async () => {
    const cli = spawnCli([...args(tempDir()), '--log-format', 'json']);
    await cli.waitForStderr(/"step":"data_loaded"/);
    cli.child.kill('SIGINT');
    // Two signals sent at once arrive as one: the second goes once the first is taken.
    await cli.waitForStderr(/"kind":"signal"/);
    cli.child.kill('SIGINT');
    const stopped = await cli.done;

    const lines = stopped.stderr.trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(last).toMatchObject({ kind: 'interrupted', signal: 'SIGINT', exitCode: 130 });
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  });

  it('names the step a signal came in on its JSON lines', async () => {
    const cli = spawnCli([...args(tempDir()), '--log-format', 'json']);
    await cli.waitForStderr(/"kind":"chunk-done","step":"data_loaded"/);
    cli.child.kill('SIGTERM');
    const stopped = await cli.done;

    const events = stopped.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(stopped.code, stopped.stderr).toBe(143);
    const signal = events.find((e) => e.kind === 'signal')!;
    // The step that had started last and not ended: the sample's steps take milliseconds, so
    // which one it is depends on when the signal lands.
    const running = events.filter((e) => e.kind === 'step-start').at(-1)!.step;
    expect(signal).toMatchObject({ step: running, signal: 'SIGTERM' });
    expect(events.at(-1)).toMatchObject({ kind: 'interrupted', step: running });
  });
});

describe('one run per output folder', () => {
  it('refuses a second run naming the holder, pid, host and start time', async () => {
    const out = tempDir();
    const first = spawnCli(args(out));
    await first.waitForStderr(/data_loaded: start/);

    const second = await runCli(args(out));
    await first.done;

    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`in use by another amlprep run \\(pid \\d+ on ${hostname()}`),
    );
    expect(second.stderr).toMatch(/started \d{4}-\d\d-\d\dT/);
  });

  // Third trial (session 11): --dry-run planned a run into a folder in use, and the message
  // gave no way out when the pid in the lock belongs to some other process. A trial of
  // session 14: a lock with a misspelt key was shown as "started undefined".
  const started = '2026-01-01T00:00:00.000Z';
  it.each([
    [
      'saying which file to remove if nothing runs there',
      { startedAt: started },
      (out: string) =>
        `amlprep: ${out} is in use by another amlprep run (pid ${process.pid} on ` +
        `${hostname()}, started ${started}); wait for it to finish or stop it first (if no ` +
        `amlprep runs there, remove ${join(out, 'amlprep.lock')})`,
    ],
    [
      'saying the start time is unknown when the lock does not name one',
      { started },
      () => `(pid ${process.pid} on ${hostname()}, started at an unknown time); wait for it`,
    ],
  ])('is refused by --dry-run too, %s', async (_, when, said) => {
    const out = tempDir();
    // A live process of this host that is no amlprep run: the lock cannot tell.
    const holder = { pid: process.pid, host: hostname(), ...when };
    writeFileSync(join(out, 'amlprep.lock'), JSON.stringify(holder));

    const planned = await runCli([...args(out), '--dry-run']);

    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stderr).toContain(said(out));
    expect(planned.stdout).toBe('');
  });

  // Trial E (session 18): a `sleep` holding a reused pid was called "another amlprep run".
  it('names the program of a live pid that is not Node.js, and still refuses', async () => {
    const out = tempDir();
    const other = spawn('sleep', ['30']);
    try {
      const holder = { pid: other.pid, host: hostname(), startedAt: started };
      writeFileSync(join(out, 'amlprep.lock'), JSON.stringify(holder));

      const planned = await runCli([...args(out), '--dry-run']);

      expect(planned.code, planned.stderr).toBe(2);
      expect(planned.stderr).toBe(
        `amlprep: ${out} is locked by pid ${other.pid} on ${hostname()} (started ${started}), ` +
          `a process now named 'sleep': if that is no amlprep run (a pid reused since the lock ` +
          `was taken), remove ${join(out, 'amlprep.lock')}; else wait for it to finish\n`,
      );
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a stale lock left by a process that no longer exists', async () => {
    const out = tempDir();
    // A pid far above the kernel's default pid_max: no live process can hold it.
    const stale = { pid: 4_194_000, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(out, 'amlprep.lock'), JSON.stringify(stale));

    const result = await runCli(args(out));

    expect(result.code, result.stderr).toBe(0);
  });

  // Trial F (session 18) found the message below naming the caller's own pid; a container
  // restarts its job with the same pid, so a lock its killed run left looked held forever.
  it('takes over a lock with this pid from an earlier start (a restarted container)', async () => {
    const out = tempDir();
    const earlier = { pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(out, 'amlprep.lock'), JSON.stringify(earlier));

    const result = await run(sampleRunOptions(out, 10_000));

    expect(result.summary.edges).toBe(SAMPLE_ROWS);
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);
  });

  it('refuses a second run of the same process on one folder, saying so', async () => {
    const out = tempDir();

    const [first, second] = await Promise.allSettled([
      run(sampleRunOptions(out, 10_000)),
      run(sampleRunOptions(out, 10_000)),
    ]);

    expect(first.status).toBe('fulfilled');
    const error = (second as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(LockedError);
    expect(error.message).toMatch(/is in use by another run of this process \(started \d{4}-/);
    expect(error.message).not.toContain(`pid ${process.pid}`);
  });

  it('takes over a lock file torn by a kill mid-write', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'amlprep.lock'), '{"pid": 12');

    expect((await runCli(args(out))).code).toBe(0);
  });

  // Fresh-user report (session 11): these blocked every run and clean, naming
  // "pid abc on undefined", with no hint that the file could go.
  it.each([
    ['a pid that is text', { pid: 'abc' }],
    ['pid 0', { pid: 0, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }],
    ['no host', { pid: 4_194_000 }],
  ])('takes over a lock that names no holder: %s', async (_, holder) => {
    const out = tempDir();
    writeFileSync(join(out, 'amlprep.lock'), JSON.stringify(holder));

    const result = await runCli(args(out));

    expect(result.code, result.stderr).toBe(0);
  });
});
