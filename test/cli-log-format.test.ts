import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CheckpointStore } from '../src/checkpoint/store.js';
import type { ProgressEvent } from '../src/index.js';
import type { CliIo } from '../src/cli/io.js';
import { jsonProgressPrinter } from '../src/cli/log-format.js';
import { main } from '../src/cli/main.js';
import { progressPrinter } from '../src/cli/progress.js';
import { REPO, SAMPLE, sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('log-format');
const mixed = join(REPO, 'test', 'fixtures', 'tiny', 'mixed.csv');

interface TestIo extends CliIo {
  out: () => string;
  err: () => string;
}

function bufferIo(options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): TestIo {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty });
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout, stderr, env: options.env ?? {}, out: () => out, err: () => err };
}

const EVENTS: ProgressEvent[] = [
  { kind: 'step-start', step: 'edge_features', chunks: 4, reused: 1 },
  { kind: 'chunk-done', step: 'edge_features', done: 2, total: 4, rows: 500 },
  { kind: 'chunk-done', step: 'edge_features', done: 3, total: 4, rows: 500 },
  { kind: 'note', step: 'edge_features', message: 'chunk 3 recomputed' },
  { kind: 'step-end', step: 'edge_features', loaded: false, seconds: 5 },
  { kind: 'warning', step: null, message: 'one class' },
];

/** Feeds EVENTS at t = 1, 3, 5, 5.5, 6, 7 s. */
function feed(listener: (e: ProgressEvent) => void, clock: { now: number }): void {
  const times = [1000, 3000, 5000, 5500, 6000, 7000];
  EVENTS.forEach((event, i) => {
    clock.now = times[i]!;
    listener(event);
  });
}

const ESC = '\x1b';

describe('--log-format json', () => {
  it('writes one JSON object per event with time, counts, rates and ETA', () => {
    const io = bufferIo();
    const clock = { now: 0 };
    feed(
      jsonProgressPrinter(io, false, () => clock.now),
      clock,
    );
    const lines = io
      .err()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({
      time: '1970-01-01T00:00:01.000Z',
      kind: 'step-start',
      step: 'edge_features',
      chunks: 4,
      reused: 1,
    });
    // 2 s in: 500 rows, 1 chunk computed (1 of the 2 done was reused) → 2 chunks left / 0.5.
    expect(lines[1]).toEqual({
      time: '1970-01-01T00:00:03.000Z',
      kind: 'chunk-done',
      step: 'edge_features',
      done: 2,
      total: 4,
      rows: 500,
      stepRows: 500,
      elapsedSeconds: 2,
      rowsPerSecond: 250,
      chunksPerSecond: 0.5,
      etaSeconds: 4,
    });
    expect(lines[2]).toMatchObject({
      stepRows: 1000,
      elapsedSeconds: 4,
      rowsPerSecond: 250,
      chunksPerSecond: 0.5,
      etaSeconds: 2,
    });
    expect(lines[3]).toEqual({
      time: '1970-01-01T00:00:05.500Z',
      kind: 'note',
      step: 'edge_features',
      message: 'chunk 3 recomputed',
    });
    expect(lines[4]).toEqual({
      time: '1970-01-01T00:00:06.000Z',
      kind: 'step-end',
      step: 'edge_features',
      loaded: false,
      seconds: 5,
    });
    expect(io.out()).toBe('');
  });

  it('keeps only warnings when quiet', () => {
    const io = bufferIo();
    const clock = { now: 0 };
    feed(
      jsonProgressPrinter(io, true, () => clock.now),
      clock,
    );
    expect(io.err()).toBe(
      '{"time":"1970-01-01T00:00:07.000Z","kind":"warning","step":null,' +
        '"message":"one class"}\n',
    );
  });

  it('ends a run with the summary as one JSON object on stdout', async () => {
    const io = bufferIo({ tty: true });
    const code = await main(
      [
        'run',
        mixed,
        '--out',
        tempDir(),
        '--chunk-size',
        '4',
        '--workers',
        '1',
        '--log-format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    const out = io
      .out()
      .split('\n')
      .filter((l) => l !== '');
    expect(out).toHaveLength(1);
    const summary = JSON.parse(out[0]!) as { kind: string; summary: { edges: number } };
    expect(summary).toMatchObject({ kind: 'summary', summary: { edges: 20 } });
    const events = io
      .err()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(new Set(events.map((e) => e.kind))).toEqual(
      new Set(['step-start', 'chunk-done', 'step-end']),
    );
    expect(io.err()).not.toContain(ESC);
  });

  it('reports a failure as one JSON line with its code and exit code', async () => {
    const io = bufferIo();
    const code = await main(
      ['run', join(tempDir(), 'missing.csv'), '--out', tempDir(), '--log-format', 'json'],
      io,
    );
    expect(code).toBe(2);
    expect(io.out()).toBe('');
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      kind: 'error',
      code: 'ERR_AMLPREP_INPUT',
      exitCode: 2,
      message: expect.stringContaining('missing.csv') as unknown,
    });
  });

  it('rejects a log format it does not know', async () => {
    const io = bufferIo();
    expect(await main(['run', mixed, '--log-format', 'yaml'], io)).toBe(2);
    expect(io.err()).toBe(
      'amlprep: run: --log-format must be text or json, got "yaml" ' +
        "(see 'amlprep run --help')\n",
    );
  });
});

describe('text progress', () => {
  it('redraws the bar with ANSI escapes on a terminal', () => {
    const io = bufferIo({ tty: true });
    const clock = { now: 0 };
    feed(progressPrinter(io), clock);
    expect(io.err()).toContain(`\r${ESC}[2K  edge_features  [`);
    expect(io.err()).toContain(`\r${ESC}[2K✔ edge_features  done in 5.00 s\n`);
  });

  it('uses no escape sequence on a terminal when NO_COLOR is set', () => {
    const io = bufferIo({ tty: true, env: { NO_COLOR: '1' } });
    const clock = { now: 0 };
    feed(progressPrinter(io), clock);
    const text = io.err();
    expect(text).not.toContain(ESC);
    // The note overwrites the last bar: a carriage return, the note, spaces to the bar's width.
    const bar = /\r( {2}edge_features +\[#+\.*\] 3\/4 chunks[^\r\n]*)/.exec(text)![1]!.trimEnd();
    expect(text).toContain(`\r${'note: chunk 3 recomputed'.padEnd(bar.length)}\n`);
    expect(text).toContain('✔ edge_features  done in 5.00 s\n');
  });

  it('treats an empty NO_COLOR as unset', () => {
    const io = bufferIo({ tty: true, env: { NO_COLOR: '' } });
    feed(progressPrinter(io), { now: 0 });
    expect(io.err()).toContain(`${ESC}[2K`);
  });

  it('writes plain timestamped lines when stderr is not a terminal', () => {
    const io = bufferIo({ tty: false });
    feed(progressPrinter(io), { now: 0 });
    const text = io.err();
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\r');
    expect(text).toMatch(
      /^\[\d\d:\d\d:\d\d\] edge_features: start \(4 chunks, 1 from checkpoints\)$/m,
    );
    expect(text).toMatch(/^note: chunk 3 recomputed$/m);
  });

  it('prints only warnings when quiet', () => {
    const io = bufferIo({ tty: false });
    feed(progressPrinter(io, true), { now: 0 });
    expect(io.err()).toBe('warning: one class\n');
  });
});

/** The bundled sample's accounts header and first row. */
const [ACCOUNTS_HEAD, ACCOUNT] = readFileSync(SAMPLE.accounts, 'utf8').split('\n');

describe('--dry-run', () => {
  it('plans the run without writing anything', async () => {
    const out = join(tempDir(), 'never');
    const io = bufferIo();
    expect(
      await main(
        ['run', mixed, '--out', out, '--chunk-size', '4', '--workers', '3', '--dry-run'],
        io,
      ),
    ).toBe(0);
    expect(io.out()).toContain('rows           20 in 5 chunks of up to 4, 3 workers\n');
    expect(io.out()).toMatch(/^ {2}data_loaded +not recorded +compute \(no checkpoint\)$/m);
    expect(existsSync(out)).toBe(false);
  });

  // Fresh-user report (session 12): these passed --dry-run, then the run stopped on them.
  it.each([
    ['a header-only transactions file', 'tx', `${readFileSync(mixed, 'utf8').split('\n')[0]}\n`],
    ['an empty accounts file', 'accounts', ''],
    ['an accounts file with another header', 'accounts', 'Bank,Account\n1,A\n'],
    // Session 13: the dry run now reads the side files whole, as the run does.
    ['an accounts file with a row twice', 'accounts', `${ACCOUNTS_HEAD}\n${ACCOUNT}\n${ACCOUNT}\n`],
    ['a patterns file of something else', 'patterns', 'Timestamp,From Bank\n'],
  ])('refuses %s as the run does, with the same message', async (_, which, content) => {
    const dir = tempDir();
    const file = join(dir, 'input.csv');
    writeFileSync(file, content);
    const tx = which === 'tx' ? file : mixed;
    const args = ['run', tx, '--out', join(dir, 'out'), '--workers', '1'];
    if (which === 'accounts') args.push('--accounts', file);
    if (which === 'patterns') args.push('--patterns', file);

    const planned = bufferIo();
    const ran = bufferIo();
    expect(await main([...args, '--dry-run'], planned)).toBe(2);
    expect(await main(args, ran)).toBe(2);

    const message = planned.err().trim();
    expect(message).toContain(file);
    expect(ran.err()).toContain(message);
  });

  // Trial C (session 17): the figures took SMOTE as 1:1 whatever --smote-ratio said.
  it.each(['1', '20'])(
    'sizes the outputs so that the real ones stay under its upper estimate (SMOTE to %s)',
    async (ratio) => {
      // The sample's accounts match no transaction: 26,771 nodes for 26,751 edges, far more
      // than the likely tenth, so the real size lies between the two figures.
      const out = join(tempDir(), 'o');
      const io = bufferIo();
      const args = [...sampleRunArgs(out), '--smote-ratio', ratio];
      expect(await main([...args, '--dry-run'], io)).toBe(0);
      const [, likely, most] = /about (\d+) MiB, at most about (\d+) MiB/.exec(io.out())!;

      expect(await main([...args, '--quiet'], bufferIo())).toBe(0);
      const real = ['nodes', 'edges', 'train_resampled']
        .map((f) => statSync(join(out, `${f}.arrow`)).size / 2 ** 20)
        .reduce((a, b) => a + b);
      expect(real).toBeGreaterThan(Number(likely));
      expect(real).toBeLessThan(Number(most));
    },
  );

  // Fresh-user trial (session 15): a small run's outputs were "about 0 MiB, at most about 0".
  it('gives a small run’s output size in KiB', async () => {
    const io = bufferIo();

    expect(await main(['run', mixed, '--out', join(tempDir(), 'o'), '--dry-run'], io)).toBe(0);

    const [, likely, most] = /about (\d+) KiB, at most about (\d+) KiB/.exec(io.out())!;
    expect(Number(likely)).toBeGreaterThan(0);
    expect(Number(most)).toBeGreaterThanOrEqual(Number(likely));
  });

  it('counts the rows and bad rows of the accounts and patterns files it reads', async () => {
    const dir = tempDir();
    const accounts = join(dir, 'accounts.csv');
    writeFileSync(accounts, `${ACCOUNTS_HEAD}\n${ACCOUNT}\n${ACCOUNT}\n`);
    const io = bufferIo();
    const args = ['run', mixed, '--accounts', accounts, '--patterns', SAMPLE.patterns];
    args.push('--out', join(dir, 'o'), '--on-bad-row', 'skip', '--dry-run');

    expect(await main(args, io)).toBe(0);
    // Hand count: one account row kept, its repeat a bad row; the sample's patterns file
    // has 26,652 rows in 3,212 BEGIN/END blocks (grep -c '^BEGIN', and the lines between).
    expect(io.out()).toMatch(/^accounts +\S+ \(\d+ bytes, 1 row, 1 bad row\)$/m);
    expect(io.out()).toMatch(/^patterns +\S+ \([\d,]+ bytes, 26,652 rows in 3,212 blocks\)$/m);
  });

  it('says "1 chunk" and "1 worker" in the singular', async () => {
    const io = bufferIo();
    const args = ['run', mixed, '--out', join(tempDir(), 'never'), '--chunk-size', '50'];
    expect(await main([...args, '--workers', '1', '--dry-run'], io)).toBe(0);
    expect(io.out()).toContain('rows           20 in 1 chunk of up to 50, 1 worker\n');
  });

  it('gives the plan as JSON and names the steps a rerun would reuse', async () => {
    const out = tempDir();
    expect(
      await main(
        ['run', mixed, '--out', out, '--chunk-size', '4', '--workers', '1', '--quiet'],
        bufferIo(),
      ),
    ).toBe(0);
    const io = bufferIo();
    expect(
      await main(
        [
          'run',
          mixed,
          '--out',
          out,
          '--chunk-size',
          '4',
          '--dry-run',
          '--resume-from',
          'normalized',
          '--log-format',
          'json',
        ],
        io,
      ),
    ).toBe(0);
    const plan = JSON.parse(io.out()) as {
      kind: string;
      rows: number;
      chunks: number;
      steps: { step: string; fate: string }[];
    };
    expect(plan).toMatchObject({ kind: 'plan', rows: 20, chunks: 5 });
    expect(plan.steps.map((s) => s.fate)).toEqual([
      ...Array<string>(4).fill('reuse'),
      ...Array<string>(3).fill('compute (--resume-from)'),
    ]);
  });

  it('says which steps an option change recomputes, and why', async () => {
    const out = tempDir();
    const args = ['run', mixed, '--out', out, '--chunk-size', '4', '--workers', '1'];
    expect(await main([...args, '--quiet'], bufferIo())).toBe(0);
    const io = bufferIo();
    expect(await main([...args, '--smote-ratio', '0.5', '--dry-run'], io)).toBe(0);

    expect(io.out()).toMatch(/^ {2}edge_features +recorded \S+ +reuse$/m);
    expect(io.out()).toMatch(/^ {2}imbalanced +recorded \S+ +compute \(--smote-ratio changed\)$/m);
    expect(io.out()).toMatch(/^ {2}weights +recorded \S+ +compute \(an earlier step changed\)$/m);
  });

  // Fresh-user report (session 12): after a kill between steps, the dry run promised to
  // reuse graph_created while the run, recomputing an earlier step, wrote it again.
  it('says graph_created is computed when any step before it is', async () => {
    const out = tempDir();
    const args = ['run', mixed, '--out', out, '--chunk-size', '4', '--workers', '1'];
    expect(await main([...args, '--quiet'], bufferIo())).toBe(0);
    const store = CheckpointStore.open(out);
    await store.dropSteps(['normalized']);
    await store.close();

    const planned = bufferIo();
    expect(await main([...args, '--dry-run'], planned)).toBe(0);
    const ran = bufferIo();
    expect(await main(args, ran)).toBe(0);

    expect(planned.out()).toMatch(/^ {2}normalized +not recorded +compute \(no checkpoint\)$/m);
    expect(planned.out()).toMatch(
      /^ {2}graph_created +recorded \S+ +compute \(an earlier step is computed\)$/m,
    );
    expect(ran.out()).toMatch(/^ {2}graph_created +\S+ s +computed$/m);
  });

  it('stops at an option the run would refuse', async () => {
    const io = bufferIo();
    expect(await main(['run', mixed, '--split', '0.5,0.5,0.5', '--dry-run'], io)).toBe(2);
    expect(io.err()).toMatch(/^amlprep: .*split/);
  });
});
