import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CheckpointStore } from '../src/checkpoint/store.js';
import { run, STEPS, type StepName, type StepStatus } from '../src/index.js';
import { runCli, STACK_LINE, type CliResult } from './helpers/cli.js';
import { ARROW_FILES, sha256Of } from './helpers/hash.js';
import { killAt, unfinished } from './helpers/kill.js';
import { badFixture, REPO, SAMPLE, SAMPLE_ROWS, sampleRunArgs } from './helpers/paths.js';
import { computedSteps, summarySteps } from './helpers/summary.js';
import { useTempDirs, withTempDir } from './helpers/temp-dir.js';

// The commands a batch user types (SPEC §10 `status` and `clean`, resume, `--resume-from`,
// `--fresh`) on the real sample, and how the CLI answers mistakes.

const tempDir = useTempDirs('cli');

function runArgs(out: string, ...extra: string[]): string[] {
  return [...sampleRunArgs(out), ...extra];
}

async function finishedRun(...extra: string[]): Promise<{ out: string; result: CliResult }> {
  const out = tempDir();
  const result = await runCli(runArgs(out, ...extra));
  expect(result.code, result.stderr).toBe(0);
  return { out, result };
}

/** stderr holds exactly one line, says what went wrong, and shows no stack trace. */
function expectOneLineError(result: CliResult, mentions: string): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toContain(mentions);
}

describe('amlprep status', () => {
  it('lists all seven steps with their completion metadata after a run', async () => {
    const { out } = await finishedRun();

    const text = await runCli(['status', out]);
    expect(text.code, text.stderr).toBe(0);
    for (const step of STEPS) {
      expect(text.stdout).toMatch(
        new RegExp(`^${step}\\s+done \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\s.*chunks=\\d+`, 'm'),
      );
    }
    expect(text.stdout).toMatch(/^\s+options \{.*"chunkSize":5000/m);

    const json = await runCli(['status', out, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const steps = JSON.parse(json.stdout) as StepStatus[];
    expect(steps.map((s) => s.step)).toEqual([...STEPS]);
    for (const s of steps) {
      expect(s.record, s.step).not.toBeNull();
      expect(s.record!.step).toBe(s.step);
      expect(Number.isNaN(Date.parse(s.record!.finishedAt))).toBe(false);
      expect(s.record!.durationMs).toBeGreaterThanOrEqual(0);
      expect(Object.keys(s.record!.counts).length, s.step).toBeGreaterThan(0);
      expect(s.record!.options).toMatchObject({ chunkSize: 5000, seed: 42, smoteRatio: 1 });
    }
    expect(steps[0]!.record!.counts).toMatchObject({ rows: SAMPLE_ROWS });
  });

  // Trial E (session 18): a run killed before its first chunk was recorded left a plan;
  // --json gave its chunksTotal, and the text said "not run".
  it('shows a step that started but recorded no chunk as unfinished, as --json does', async () => {
    const out = tempDir();
    const store = CheckpointStore.open(out);
    const plan = { fingerprint: 'f'.repeat(64), chunks: 27, basis: {}, transactions: 'x.csv' };
    await store.recordPlan('data_loaded', plan);
    await store.close();

    const text = await runCli(['status', out]);
    const json = JSON.parse((await runCli(['status', out, '--json'])).stdout) as StepStatus[];

    expect(text.stdout).toMatch(/^data_loaded\s+unfinished: 0 of 27 chunks recorded$/m);
    expect(text.stdout).toMatch(/^node_features\s+not run$/m);
    expect(json[0]).toMatchObject({ step: 'data_loaded', chunksDone: 0, chunksTotal: 27 });
  });

  // Trial O (session 20): a run stopped as a step finished showed "20 of 20 chunks recorded".
  it('says a step with every chunk recorded is still short of its end', async () => {
    const out = tempDir();
    await unfinishedStep(out, 'data_loaded', 2, 2);

    const text = await runCli(['status', out]);

    expect(text.stdout).toMatch(
      /^data_loaded\s+unfinished: all 2 chunks recorded, not the step's end$/m,
    );
  });

  it('shows the chunks a killed run recorded for the step it left unfinished', async () => {
    const out = tempDir();
    const args = sampleRunArgs(out, 2000);
    const kill = await killAt(args, out, { chunksOf: 'data_loaded', atLeast: 3 });
    expect(kill.interrupted, kill.killed.stderr).toBe(true);
    const open = unfinished(kill.store)!;
    expect(open.step).toBe('data_loaded');
    expect(open.chunksDone).toBeGreaterThanOrEqual(3);

    const text = await runCli(['status', out]);
    expect(text.code, text.stderr).toBe(0);
    const line = text.stdout.split('\n').find((l) => l.startsWith('data_loaded'));
    expect(line, text.stdout).toMatch(new RegExp(`\\b${open.chunksDone}\\b.*chunks? recorded`));
    expect(line).toMatch(/unfinished/);
    expect(text.stdout).toMatch(/^graph_created\s+not run$/m);

    const json = JSON.parse((await runCli(['status', out, '--json'])).stdout) as StepStatus[];
    expect(json[0]).toMatchObject({
      step: 'data_loaded',
      record: null,
      chunksDone: open.chunksDone,
    });

    // Fifth fresh-user trial (session 16): --dry-run said only "no checkpoint" here.
    const dry = await runCli([...args, '--dry-run', '--log-format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { steps: { step: string; fate: string }[] };
    expect(plan.steps[0]).toEqual({
      step: 'data_loaded',
      recordedAt: null,
      fate:
        `compute (unfinished: ${open.chunksDone} of ${open.chunksTotal} chunks recorded, ` +
        'made with these inputs and options: they are reused)',
    });
  });

  // Trial JJ (session 26): chunks of other inputs or options were said to be reused.
  it('says in --dry-run that chunks of other inputs or options are not reused', async () => {
    const out = tempDir();
    await unfinishedStep(out, 'data_loaded', 3, 2);

    const dry = await runCli(['run', SAMPLE.transactions, '--out', out, '--dry-run']);

    expect(dry.code, dry.stderr).toBe(0);
    const line = dry.stdout.split('\n').find((l) => l.trim().startsWith('data_loaded'));
    expect(line).toContain(
      'compute (unfinished: 2 of 3 chunks recorded, made with other inputs or options: ' +
        'none is reused)',
    );
  });

  // Trial KK (session 26): chunks --resume-from throws away were said to be "no checkpoint".
  it('says --resume-from and --fresh drop the chunks of an unfinished step', async () => {
    const out = tempDir();
    await unfinishedStep(out, 'edge_features', 3, 2);
    const args = ['run', SAMPLE.transactions, '--out', out];
    const fateOf = (stdout: string) =>
      stdout.split('\n').find((l) => l.trim().startsWith('edge_features'));

    const resumed = await runCli([...args, '--dry-run', '--resume-from', 'node_features']);
    const fresh = await runCli([...args, '--dry-run', '--fresh']);
    const real = await runCli([...args, '--resume-from', 'node_features']);

    expect(fateOf(resumed.stdout)).toContain(
      'compute (--resume-from: its 2 recorded chunks are dropped)',
    );
    expect(fateOf(fresh.stdout)).toContain('compute (--fresh: its 2 recorded chunks are dropped)');
    expect(real.code, real.stderr).toBe(0);
    expect(real.stderr).toContain(
      'edge_features: dropped by --resume-from node_features; recomputing it',
    );
  });

  it('exits 2 naming a folder that holds no checkpoints', async () => {
    await withTempDir('cli-empty', async (out) => {
      expectOneLineError(await runCli(['status', out]), out);
    });
  });

  // After `clean --outputs` the folder is as empty as a new one: "nothing has run in this
  // folder" was untrue, so the words hold for both.
  it('says a folder emptied by clean --outputs holds no checkpoints or outputs', async () => {
    const { out } = await finishedRun();
    expect((await runCli(['clean', out, '--outputs'])).code).toBe(0);

    const after = await runCli(['status', out]);

    expectOneLineError(after, `${out}: no checkpoint store here`);
    expect(after.stderr).toContain('(no checkpoints or outputs in this folder)');
    expect(after.stderr).not.toContain('nothing has run');
  });
});

describe('amlprep clean', () => {
  it('removes the checkpoints and keeps the outputs', async () => {
    const { out } = await finishedRun();
    const before = sha256Of(out);

    const cleaned = await runCli(['clean', out]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toContain('checkpoints.mdb');
    expect(existsSync(join(out, 'checkpoints.mdb'))).toBe(false);
    expect(sha256Of(out)).toEqual(before);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    // Fresh-user report (session 12): status then said nothing had run in the folder.
    const after = await runCli(['status', out]);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain(
      'no checkpoint store here (outputs are here, but their checkpoints were removed',
    );
  });

  it('removes the files of a run that never wrote its manifest, for a rerun to use', async () => {
    // As a first run left it when a full disk or a kill stopped graph_created between
    // renaming its files into place and writing manifest.json.
    const { out } = await finishedRun();
    rmSync(join(out, 'manifest.json'));

    const cleaned = await runCli(['clean', out]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    for (const file of ARROW_FILES) expect(existsSync(join(out, file)), file).toBe(false);

    const rerun = await runCli(sampleRunArgs(out));
    expect(rerun.code, rerun.stderr).toBe(0);
  });

  it('removes the outputs too with --outputs', async () => {
    const { out } = await finishedRun();

    const cleaned = await runCli(['clean', out, '--outputs']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(existsSync(join(out, 'checkpoints.mdb'))).toBe(false);
    for (const file of [...ARROW_FILES, 'manifest.json']) {
      expect(existsSync(join(out, file)), file).toBe(false);
    }
  });

  it('refuses --outputs on a folder amlprep never wrote to, and removes nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'nodes.arrow'), 'not ours');

    const cleaned = await runCli(['clean', dir, '--outputs']);
    expect(cleaned.code).toBe(2);
    expect(cleaned.stderr).toContain(`${dir}: not an amlprep output folder`);
    expect(cleaned.stderr).toContain('nothing removed');
    expect(existsSync(join(dir, 'nodes.arrow'))).toBe(true);
  });

  it('refuses --outputs beside a manifest.json that amlprep did not write', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), '{"name":"My App","start_url":"/"}');

    const cleaned = await runCli(['clean', dir, '--outputs']);
    expect(cleaned.code).toBe(2);
    expect(cleaned.stderr).toContain('nothing removed');
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  });

  it('removes files only: folders under output names stay', async () => {
    const { out } = await finishedRun();
    mkdirSync(join(out, 'rejected_rows.csv'));
    writeFileSync(join(out, 'rejected_rows.csv', 'mine.txt'), 'keep');

    const cleaned = await runCli(['clean', out, '--outputs']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(existsSync(join(out, 'rejected_rows.csv', 'mine.txt'))).toBe(true);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('removes half-written output files a kill left, without --outputs', async () => {
    const { out } = await finishedRun();
    writeFileSync(join(out, 'edges.arrow.tmp'), 'half');

    const cleaned = await runCli(['clean', out]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(existsSync(join(out, 'edges.arrow.tmp'))).toBe(false);
    expect(existsSync(join(out, 'edges.arrow'))).toBe(true);
  });

  // Fourth trial (session 14): a dangling link at a scratch name stayed.
  it('removes links at scratch names, dangling or not, and leaves what they name', async () => {
    const { out } = await finishedRun();
    const target = join(tempDir(), 'kept.txt');
    writeFileSync(target, 'not amlprep’s');
    symlinkSync(target, join(out, 'nodes.arrow.tmp'));
    symlinkSync(join(out, 'gone'), join(out, 'manifest.json.tmp'));

    const cleaned = await runCli(['clean', out]);

    expect(cleaned.code, cleaned.stderr).toBe(0);
    for (const name of ['nodes.arrow.tmp', 'manifest.json.tmp']) {
      expect(lstatSync(join(out, name), { throwIfNoEntry: false }), name).toBeUndefined();
      expect(cleaned.stdout).toContain(join(out, name));
    }
    expect(readFileSync(target, 'utf8')).toBe('not amlprep’s');
  });

  it('removes a lock a killed run left, and lists it with the rest', async () => {
    const { out } = await finishedRun();
    // The pid of a process that has exited: the holder is gone, as after a SIGKILL.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const holder = { pid: gone, host: hostname(), startedAt: new Date().toISOString() };
    writeFileSync(join(out, 'amlprep.lock'), JSON.stringify(holder));

    const cleaned = await runCli(['clean', out]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toContain(`removed ${join(out, 'amlprep.lock')}`);
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);
  });

  it('exits 2 naming a folder that does not exist', async () => {
    const missing = join(tempDir(), 'no-such-dir');
    const cleaned = await runCli(['clean', missing]);
    expect(cleaned.code).toBe(2);
    expect(cleaned.stderr).toContain(`${missing}: no such folder`);
  });
});

describe('amlprep run on a folder that holds checkpoints', () => {
  it('loads every step from checkpoints after a finished run and keeps the bytes', async () => {
    const { out } = await finishedRun();
    const before = sha256Of(out);

    const rerun = await runCli(runArgs(out));
    expect(rerun.code, rerun.stderr).toBe(0);
    const steps = summarySteps(rerun.stdout);
    expect([...steps.keys()]).toEqual([...STEPS]);
    for (const step of STEPS) expect(steps.get(step)?.how, step).toBe('loaded');
    expect(rerun.stdout).toContain(`loaded from checkpoints: ${STEPS.join(', ')}`);
    // Nothing was computed, so no budget decided anything; the summary says so.
    expect(rerun.stdout).toContain(
      'memory budget  not needed: every step came from its checkpoint',
    );
    expect(sha256Of(out)).toEqual(before);
  });

  it('rewrites an output file changed after the run from the checkpoints', async () => {
    const { out } = await finishedRun();
    const before = sha256Of(out);
    appendFileSync(join(out, 'nodes.arrow'), Buffer.from([0]));

    const rerun = await runCli(runArgs(out));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(computedSteps(rerun.stdout)).toEqual(['graph_created']);
    expect(sha256Of(out)).toEqual(before);
  });

  it('recomputes only the last three steps with --resume-from normalized', async () => {
    const { out } = await finishedRun();
    const before = sha256Of(out);

    const rerun = await runCli(runArgs(out, '--resume-from', 'normalized'));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(computedSteps(rerun.stdout)).toEqual(['imbalanced', 'weights', 'graph_created']);
    // The notes say why: the user dropped them, not that they were never recorded.
    expect(rerun.stderr).toContain(
      'imbalanced: dropped by --resume-from normalized; recomputing it',
    );
    expect(rerun.stderr).not.toContain('no checkpoint');
    const steps = summarySteps(rerun.stdout);
    for (const step of STEPS.slice(0, 4)) expect(steps.get(step)?.how, step).toBe('loaded');
    expect(sha256Of(out)).toEqual(before);
  });

  // Fourth fresh-user trial (session 16): a new folder's steps were said to be dropped.
  it('says a new folder has no checkpoint, not that --resume-from dropped one', async () => {
    const out = tempDir();

    const result = await runCli(runArgs(out, '--resume-from', 'weights'));

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('dropped by --resume-from');
    expect(result.stderr).toContain('graph_created: no checkpoint; recomputing it');
  });

  it('recomputes every step with --fresh and gives the same bytes', async () => {
    const { out } = await finishedRun();
    const before = sha256Of(out);

    const rerun = await runCli(runArgs(out, '--fresh'));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(computedSteps(rerun.stdout)).toEqual([...STEPS]);
    for (const [step, line] of summarySteps(rerun.stdout)) expect(line.reused, step).toBe(0);
    expect(rerun.stderr).not.toContain('from checkpoints');
    expect(sha256Of(out)).toEqual(before);
  });

  it('recomputes imbalanced onward, not the features, when --smote-ratio changes', async () => {
    const { out } = await finishedRun();
    const before = sha256Of(out);

    const half = await runCli(runArgs(out, '--smote-ratio', '0.5'));
    expect(half.code, half.stderr).toBe(0);
    expect(computedSteps(half.stdout)).toEqual(['imbalanced', 'weights', 'graph_created']);
    const after = sha256Of(out);
    expect(after['nodes.arrow']).toBe(before['nodes.arrow']);
    expect(after['edges.arrow']).toBe(before['edges.arrow']);
    expect(after['train_resampled.arrow']).not.toBe(before['train_resampled.arrow']);

    // SPEC §7: ceil(ratio · majority) − minority synthetic rows.
    const [y0, y1] = trainCounts(half.stdout);
    const synthetic = Math.ceil(0.5 * Math.max(y0, y1)) - Math.min(y0, y1);
    expect(half.stdout).toMatch(
      new RegExp(
        `resampled train\\s+${fmt(y0 + y1 + synthetic)} rows \\(${fmt(synthetic)} synthetic`,
      ),
    );

    // Back to the default ratio: the first run's bytes again.
    const back = await runCli(runArgs(out));
    expect(computedSteps(back.stdout)).toEqual(['imbalanced', 'weights', 'graph_created']);
    expect(sha256Of(out)).toEqual(before);
  });

  it('says why it recomputes a checkpoint whose options or input changed', async () => {
    // SPEC §10: "otherwise it is recomputed and the reason is said".
    const dir = tempDir();
    const transactions = join(dir, 'transactions.csv');
    copyFileSync(SAMPLE.transactions, transactions);
    const args = (...extra: string[]) => [
      'run',
      transactions,
      '--out',
      join(dir, 'out'),
      '--chunk-size',
      '5000',
      '--workers',
      '2',
      ...extra,
    ];
    expect((await runCli(args())).code).toBe(0);

    const ratio = await runCli(args('--smote-ratio', '0.5'));
    expect(ratio.code, ratio.stderr).toBe(0);
    expect(ratio.stderr).toMatch(/^.*imbalanced.*smote.?ratio.*$/im);

    const later = new Date(Date.now() + 60_000);
    utimesSync(transactions, later, later);
    const touched = await runCli(args('--smote-ratio', '0.5'));
    expect(touched.code, touched.stderr).toBe(0);
    expect(computedSteps(touched.stdout)).toEqual([...STEPS]);
    expect(touched.stderr).toMatch(/^.*data_loaded.*(input|transactions|changed|modified).*$/im);
  });
});

describe('amlprep help, version and usage errors', () => {
  it('prints usage and exits 0 for --help on every command', async () => {
    const asks: string[][] = [
      ['--help'],
      ['-h'],
      ['run', '--help'],
      ['status', '--help'],
      ['clean', '--help'],
      ['generate', '--help'],
      ['run', '-h'],
    ];
    for (const ask of asks) {
      const result = await runCli(ask);
      expect(result.code, ask.join(' ')).toBe(0);
      expect(result.stdout, ask.join(' ')).toMatch(/Usage: amlprep/);
      expect(result.stderr, ask.join(' ')).toBe('');
    }
  });

  // Trial L (session 19): clean had no --json, so a JSON-logging script got its errors as text.
  it('lets clean answer in JSON: the removed paths, or its error', async () => {
    const out = tempDir();
    expect((await runCli(sampleRunArgs(out))).code).toBe(0);

    const cleaned = await runCli(['clean', out, '--json']);
    const again = await runCli(['clean', out, '--outputs', '--json']);
    const missing = await runCli(['clean', join(out, 'missing'), '--json']);

    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(JSON.parse(cleaned.stdout)).toEqual([
      join(out, 'checkpoints.mdb'),
      join(out, 'checkpoints.mdb-lock'),
    ]);
    expect(JSON.parse(again.stdout)).toEqual(
      ['nodes.arrow', 'edges.arrow', 'train_resampled.arrow', 'manifest.json'].map((f) =>
        join(out, f),
      ),
    );
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({
      code: 'ERR_AMLPREP_INPUT',
      message: `${join(out, 'missing')}: no such folder`,
    });
  });

  // Trial K (session 19): `status --help` named --json only in its usage line.
  it.each([
    ['status', ['--json', '-h, --help']],
    ['clean', ['--outputs', '--json', '-h, --help']],
    ['inspect', ['--top N', '--json', '-h, --help']],
  ])('lists every flag of %s under Options', async (command, flags) => {
    const result = await runCli([command, '--help']);

    const options = result.stdout.split('\nOptions:\n')[1] ?? '';
    for (const flag of flags) expect(options, flag).toMatch(new RegExp(`^  ${flag} `, 'm'));
  });

  // Trial D (session 17): with no command the usage went to stdout, though the exit was 2.
  it('gives the usage on stderr with exit 2 when no command is named', async () => {
    const result = await runCli([]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^amlprep — .*\n\nUsage: amlprep <command>/);
  });

  it('prints the package version with --version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with a one-line message for an unknown command', async () => {
    expectOneLineError(await runCli(['bogus']), 'bogus');
  });

  it('names the command a mistyped one was likely meant as', async () => {
    expectOneLineError(
      await runCli(['stats', 'x']),
      "unknown command 'stats' (did you mean status?)",
    );
    expectOneLineError(await runCli(['rn', 'x.csv']), "unknown command 'rn' (did you mean run?)");
    // Trial GG (session 25).
    expectOneLineError(
      await runCli(['version']),
      "unknown command 'version' (did you mean amlprep --version?)",
    );
  });

  // Trial EE (session 24): `--help expor` printed the general help, `help expor` refused it.
  it('refuses a mistyped help topic after --help as after help', async () => {
    for (const word of ['--help', '-h', 'help']) {
      expectOneLineError(
        await runCli([word, 'expor']),
        "unknown command 'expor' (did you mean export?)",
      );
    }
  });

  // Session 17: a name every object inherits was taken for a command and crashed with a stack.
  it.each(['toString', 'constructor', '__proto__'])(
    'exits 2 with a one-line message for the command name %s',
    async (name) => {
      expectOneLineError(await runCli([name]), `unknown command '${name}'`);
    },
  );

  // CLI trial (session 17): `amlprep help run` printed the general help.
  it('gives a command its own help for `help <command>`, and refuses any other topic', async () => {
    const asked = await runCli(['help', 'run']);
    const flag = await runCli(['run', '--help']);
    const before = await runCli(['--help', 'run']);

    expect(asked.code).toBe(0);
    expect(asked.stdout).toBe(flag.stdout);
    expect(before.stdout).toBe(flag.stdout);
    expectOneLineError(await runCli(['help', 'toString']), "unknown command 'toString'");
    for (const word of ['help', '-h', '--help']) {
      const general = await runCli(['help', word]);
      expect(general.code, word).toBe(0);
      expect(general.stdout, word).toContain('Usage: amlprep <command>');
    }
    expectOneLineError(await runCli(['help', 'run', 'x']), "got 'run x'");
  });

  it('exits 2 with a one-line message for an unknown flag of any command', async () => {
    const out = tempDir();
    for (const args of [
      ['run', SAMPLE.transactions, '--out', out, '--bogus-flag'],
      ['status', out, '--bogus-flag'],
      ['clean', out, '--bogus-flag'],
      ['generate', '--bogus-flag'],
    ]) {
      expectOneLineError(await runCli(args), '--bogus-flag');
    }
  });

  it('exits 2 naming a missing input file', async () => {
    const dir = tempDir();
    const missing = join(dir, 'no-such-file.csv');
    const cases = [
      ['run', missing, '--out', join(dir, 'a')],
      ['run', SAMPLE.transactions, '--accounts', missing, '--out', join(dir, 'b')],
      ['run', SAMPLE.transactions, '--patterns', missing, '--out', join(dir, 'c')],
    ];
    for (const args of cases) expectOneLineError(await runCli(args), missing);
  });

  it('leaves the output folder free for the next run after a missing input file', async () => {
    // Library level: a long-lived process that calls run() again on the same folder.
    const dir = tempDir();
    const out = join(dir, 'out');
    await expect(
      run({ transactions: join(dir, 'no-such-file.csv'), out, workers: 1 }),
    ).rejects.toMatchObject({ code: 'ERR_AMLPREP_INPUT' });
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);

    const result = await run({ transactions: badFixture('base.csv'), out, workers: 1 });
    expect(result.summary.edges).toBe(60);
  });
});

function trainCounts(summary: string): [number, number] {
  const m = /^ {2}train\s+([\d,]+)\s+([\d,]+)$/m.exec(summary);
  if (m === null) throw new Error(`no train line in:\n${summary}`);
  return [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))];
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A store in `out` where `step` is unfinished: planned with `planned` chunks, `recorded` of
 * them recorded, under a fingerprint no run of real inputs has.
 */
async function unfinishedStep(
  out: string,
  step: StepName,
  planned: number,
  recorded: number,
): Promise<void> {
  const store = CheckpointStore.open(out);
  const fingerprint = 'f'.repeat(64);
  await store.recordPlan(step, { fingerprint, chunks: planned, basis: {}, transactions: 'x' });
  for (let i = 0; i < recorded; i++) await store.recordChunk(step, fingerprint, i, 1, null, {});
  await store.close();
}
