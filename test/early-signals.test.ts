// A signal while the CLI is still loading its modules exits with one line and 130/143
// instead of ending the process without a word (src/cli/early-signals.ts, bin/amlprep.js).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { BIN, REPO } from './helpers/paths.js';

const MODULE = pathToFileURL(join(REPO, 'dist', 'src', 'cli', 'early-signals.js')).href;

/** A process that holds the early signals (and releases them when `release`), then idles. */
function holder(release: boolean) {
  const script =
    `const m = await import(${JSON.stringify(MODULE)}); m.holdEarlySignals();` +
    (release ? ' m.releaseEarlySignals(); process.on("SIGTERM", () => process.exit(7));' : '') +
    ' process.stdout.write("ready\\n"); setInterval(() => {}, 1000);';
  const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const done = new Promise<{ code: number | null }>((resolve) =>
    child.on('close', (code) => resolve({ code })),
  );
  return { child, ready, done, stderr: () => stderr };
}

describe('signals while the CLI starts', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s exits %i with one line', async (signal, code) => {
    const p = holder(false);
    await p.ready;

    p.child.kill(signal);
    const { code: exit } = await p.done;

    expect(exit).toBe(code);
    expect(p.stderr()).toBe(`amlprep: stopped by ${signal}\n`);
  });

  // Trial G (session 18): with --log-format json the early stop was the one plain-text line.
  it.each([['--log-format', 'json'], ['--log-format=json'], ['--json']])(
    'say it as a JSON line when the command line has %s',
    async (...flags) => {
      const argv = JSON.stringify(['amlprep', 'run', 'x.csv', ...flags]);
      const script =
        `process.argv = [process.argv[0], ...${argv}];` +
        ` const m = await import(${JSON.stringify(MODULE)}); m.holdEarlySignals();` +
        ' process.stdout.write("ready\\n"); setInterval(() => {}, 1000);';
      const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));

      child.kill('SIGTERM');
      const code = await new Promise((resolve) => child.on('close', resolve));

      expect(code).toBe(143);
      expect(JSON.parse(stderr)).toMatchObject({
        kind: 'interrupted',
        step: null,
        signal: 'SIGTERM',
        exitCode: 143,
        message: 'stopped by SIGTERM',
      });
    },
  );

  it('are left to the command once released', async () => {
    const p = holder(true);
    await p.ready;

    p.child.kill('SIGTERM');
    const { code } = await p.done;

    expect(code).toBe(7);
    expect(p.stderr()).toBe('');
  });

  it('taken just before a command takes them over reach the command', async () => {
    // The signal reaches Node during the handover's turn and is dispatched after it.
    const script =
      `const m = await import(${JSON.stringify(MODULE)}); m.holdEarlySignals();` +
      ' process.kill(process.pid, "SIGINT");' +
      ' m.handOverSignals((s) => { process.stderr.write("command got " + s); process.exit(9); });' +
      ' setTimeout(() => process.exit(0), 3000);';
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));

    expect(stderr).toBe('command got SIGINT');
    expect(code).toBe(9);
  });

  it('are held by the launcher before it loads the CLI', () => {
    const launcher = readFileSync(BIN, 'utf8');
    const hold = launcher.indexOf('holdEarlySignals();');
    const load = launcher.indexOf("await import('../dist/src/cli/main.js')");

    expect(hold).toBeGreaterThan(0);
    expect(load).toBeGreaterThan(hold);
  });
});
