import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { progressPrinter } from '../src/cli/progress.js';
import { OptionError } from '../src/errors.js';
import { readManifest, readOutputs, run, STEPS, type ProgressEvent } from '../src/index.js';
import { REPO, SAMPLE, sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { bufferIo } from './helpers/buffer-io.js';

// Fresh-user reports on wording: option errors in JSON logs named `options.workers`, the
// summary said "(0 synthetic of class 1)" when nothing was synthesised and "(1 chunks)", and
// the library ran with defaults when an option key was misspelt.

const tempDir = useTempDirs('cli-messages');
const mixed = join(REPO, 'test', 'fixtures', 'tiny', 'mixed.csv');
/** What every refused flag value of `run` ends with. */
const RUN_HELP = " (see 'amlprep run --help')";

describe('option errors with --log-format json', () => {
  it.each([
    ['a run', []],
    ['a dry run', ['--dry-run']],
  ])('name the flag, not the library field, in %s', async (_what, extra) => {
    const io = bufferIo();
    const argv = ['run', mixed, '--out', tempDir(), '--worker-heap-mb', '8', '--log-format'];

    const code = await main([...argv, 'json', ...extra], io);

    expect(code).toBe(2);
    const error = JSON.parse(io.err().trim()) as { code: string; message: string };
    expect(error.code).toBe('ERR_AMLPREP_OPTION');
    expect(error.message).toBe('--worker-heap-mb must be an integer of at least 16, got 8');
  });
});

describe('the end-of-run summary', () => {
  async function summary(imbalance: string): Promise<string> {
    const io = bufferIo();
    const argv = ['run', mixed, '--out', tempDir(), '--workers', '1', '--quiet'];
    expect(await main([...argv, '--imbalance', imbalance], io), io.err()).toBe(0);
    return io.out();
  }

  it('counts the synthetic rows SMOTE added', async () => {
    expect(await summary('smote')).toMatch(
      /resampled train +\d+ rows \(\d+ synthetic of class 1\)/,
    );
  });

  it('says undersampled, not 0 synthetic rows, for --imbalance undersample', async () => {
    const text = await summary('undersample');
    expect(text).toMatch(/resampled train +\d+ rows \(undersampled\)\n/);
    expect(text).not.toContain('synthetic');
  });

  it('says no resampling, not 0 synthetic rows, for --imbalance none', async () => {
    const text = await summary('none');
    expect(text).toMatch(/resampled train +\d+ rows \(no resampling\)\n/);
    expect(text).not.toContain('synthetic');
  });
});

describe('chunk counts', () => {
  function startLine(chunks: number, reused: number): string {
    let err = '';
    const stderr = new PassThrough();
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const print = progressPrinter({ stdout: new PassThrough(), stderr, env: {} });
    print({ kind: 'step-start', step: 'data_loaded', chunks, reused });
    return err.replace(/^\[[\d:]+\] /, '');
  }

  it('says 1 chunk, not 1 chunks', () => {
    expect(startLine(1, 0)).toBe('data_loaded: start (1 chunk)\n');
    expect(startLine(1, 1)).toBe('data_loaded: start (1 chunk, 1 from checkpoints)\n');
    expect(startLine(3, 0)).toBe('data_loaded: start (3 chunks)\n');
  });
});

describe('run() option keys', () => {
  it('rejects a misspelt key before creating anything, suggesting the known one', async () => {
    const out = join(tempDir(), 'never');
    const options = { transactions: mixed, out, smoteratio: 0.5 };

    const error = await run(options as Parameters<typeof run>[0]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toBe('unknown option smoteratio (did you mean smoteRatio?)');
    expect(existsSync(out)).toBe(false);
  });
});

// Fresh-user report (session 9): `--workers -1` asked for `--workers=-1`, which then said
// "must be a whole number, got -1"; an unknown flag's message had an unbalanced quote and
// was plain text under --log-format json; `status` of a missing folder said nothing has run.
describe('flag errors', () => {
  it.each([
    ['--workers=-1', '--workers must be an integer from 1 to 256, got -1'],
    ['--chunk-size=-5', '--chunk-size must be an integer of at least 1, got -5'],
    ['--seed=-3', '--seed must be an integer from 0 to 4294967295, got -3'],
    // Third trial (session 11): billions of workers were accepted with a warning.
    ['--workers=4294967296', '--workers must be an integer from 1 to 256, got 4294967296'],
  ])('read a negative number and check its range: %s', async (flag, message) => {
    const io = bufferIo();

    const code = await main(['run', mixed, '--out', tempDir(), flag], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(`amlprep: run: ${message}${RUN_HELP}\n`);
  });

  it('refuse a number with a stray separator', async () => {
    const io = bufferIo();

    const code = await main(['run', mixed, '--out', tempDir(), '--chunk-size', '5_000_'], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: run: --chunk-size must be a whole number, got "5_000_"${RUN_HELP}\n`,
    );
  });

  // Fresh-user trial (session 15): --smote-ratio took 0x10 and 0b1 as numbers.
  it.each(['0x10', '0b1', '1e', 'Infinity', '', '.', ' ', '1 2'])(
    'refuse a --smote-ratio not written in decimal: %j',
    async (ratio) => {
      const io = bufferIo();

      const code = await main(['run', mixed, '--out', tempDir(), `--smote-ratio=${ratio}`], io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        'amlprep: run: --smote-ratio must be a decimal number (like 0.5), got ' +
          `${JSON.stringify(ratio)}${RUN_HELP}\n`,
      );
    },
  );

  // Trial X (session 22): 1e-400 was read as 0, which turns SMOTE off without a word.
  it.each(['1e-400', '0.0000001e-320'])(
    'refuse a --smote-ratio too close to 0 to be a number: %j',
    async (ratio) => {
      const io = bufferIo();

      const code = await main(['run', mixed, '--out', tempDir(), `--smote-ratio=${ratio}`], io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        'amlprep: run: --smote-ratio is too close to 0 to be a number here, ' +
          `got "${ratio}"${RUN_HELP}\n`,
      );
    },
  );

  it.each(['0', '0e5', '-0.0'])('take a --smote-ratio of 0 written as %j', async (ratio) => {
    const io = bufferIo();
    const argv = ['run', mixed, '--out', tempDir(), `--smote-ratio=${ratio}`, '--dry-run'];

    expect(await main(argv, io), io.err()).toBe(0);
  });

  it('name an unknown flag in one balanced line', async () => {
    const io = bufferIo();

    const code = await main(['run', mixed, '--frobnicate'], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      "amlprep: run: unknown option '--frobnicate' (see 'amlprep run --help')\n",
    );
  });

  // Trial DD (session 24): the library suggested the option meant, the command line did not.
  it('name the flag an unknown one was likely meant as', async () => {
    const io = bufferIo();

    const code = await main(['run', mixed, '--wrkers', '2'], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      "amlprep: run: unknown option '--wrkers' (did you mean --workers?) " +
        "(see 'amlprep run --help')\n",
    );
  });

  // Trial EE (session 24): every other command takes --json; run's is --log-format json.
  it.each([
    [['run', mixed, '--json'], "'--json' (did you mean --log-format json?)"],
    [['generate', '--overwrite'], "'--overwrite' (did you mean --force?)"],
    // Trial GG (session 25): a flag that one known flag begins with, or begins.
    [['run', mixed, '--accounts-out', 'x'], "'--accounts-out' (did you mean --accounts?)"],
    [['generate', '--patterns', 'p.txt'], "'--patterns' (did you mean --patterns-out?)"],
    // A run starts over with --fresh; generate and many other tools say --force.
    [['run', mixed, '--force'], "'--force' (did you mean --fresh?)"],
  ])('name the flag another command spells otherwise: %j', async (argv, said) => {
    await expectUnknownOption(argv, said);
  });

  it('name an unknown generate flag in the same words', async () => {
    const io = bufferIo();

    const code = await main(['generate', '--dry-run'], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      "amlprep: generate: unknown option '--dry-run' (a flag of 'amlprep run', not of " +
        "generate) (see 'amlprep generate --help')\n",
    );
  });

  // `generate --quiet`, `status --outputs`: a flag of another command was said with no hint.
  it.each([
    [['generate', '--quiet'], "'--quiet' (a flag of 'amlprep run', not of generate)"],
    [['status', 'o', '--outputs'], "'--outputs' (a flag of 'amlprep clean', not of status)"],
    [
      ['inspect', 'o', '--out', 'x'],
      "'--out' (a flag of 'amlprep run', 'amlprep generate' and 'amlprep export', not of " +
        'inspect)',
    ],
    // Export's --transactions is not the one run was given: run takes the file as argument.
    [
      ['run', '--transactions', 'x.csv'],
      "'--transactions' (the transactions file is the argument of run, not a flag)",
    ],
  ])('name the commands that take a flag this one does not: %j', async (argv, said) => {
    await expectUnknownOption(argv, said);
  });

  it('gives no other command for a flag no command takes', async () => {
    const io = bufferIo();

    expect(await main(['status', 'o', '--verbose'], io)).toBe(2);
    expect(io.err()).toBe(
      "amlprep: status: unknown option '--verbose' (see 'amlprep status --help')\n",
    );
  });

  it.each([
    [['run', 'x.csv', '--workers'], 'run: --workers needs a value'],
    [['generate', '--rows'], 'generate: --rows needs a value'],
    [['run', 'x.csv', '--quiet=3'], 'run: --quiet takes no value'],
    [
      ['run', 'x.csv', '--workers', '--dry-run'],
      "run: --workers needs a value: '--dry-run' after it is another option",
    ],
    [
      ['generate', '--rows', '-h'],
      "generate: --rows needs a value: '-h' after it is another option",
    ],
    [
      ['run', 'x.csv', '--workers', '2', '--workers', '3'],
      'run: --workers given twice (2, then 3): give it once',
    ],
    [['run', 'x.csv', '--fresh', '--fresh'], 'run: --fresh given twice: give it once'],
    [
      ['generate', '--rows', '1k', '--rows=2k'],
      'generate: --rows given twice (1k, then 2k): give it once',
    ],
    [['clean', 'o', '--outputs', '--outputs'], 'clean: --outputs given twice: give it once'],
    [['run', 'x.csv', '--help=yes'], 'run: --help takes no value'],
    [['export', 'o'], 'export: --format is required: npy, csv, multignn'],
    [
      ['export', 'o', '--format', 'npy', '--amounts', 'derived'],
      'export: --amounts applies to --format multignn only, not npy',
    ],
    [
      ['export', 'o', '--format', 'csv', '--out='],
      'export: --out must name a folder, not be empty',
    ],
    [
      ['export', 'o', '--format', 'multignn', '--transactions='],
      'export: --transactions must name a file, not be empty',
    ],
    [
      ['run', 'x.csv', '--seed', '-5'],
      "run: --seed needs a value, and what follows it starts with '-': a value that does (a " +
        "negative number) is joined with '=', as in --seed=-5",
    ],
    [
      // Trial K (session 19): a file named beside derived amounts was ignored without a word.
      ['export', 'o', '--format', 'multignn', '--amounts', 'derived', '--transactions', 'x.csv'],
      'export: --transactions is not read with --amounts derived (the amounts are rebuilt ' +
        'from edges.arrow): give one or the other',
    ],
  ])('say what a flag lacks or has too much of in amlprep words: %j', async (argv, said) => {
    const io = bufferIo();

    const code = await main(argv, io);

    expect(code).toBe(2);
    const command = argv[0]!;
    expect(io.err()).toBe(`amlprep: ${said} (see 'amlprep ${command} --help')\n`);
  });

  it('call an empty transactions path the argument it is, not a flag', async () => {
    const io = bufferIo();

    expect(await main(['run', '', '--dry-run'], io)).toBe(2);
    expect(io.err()).toBe(
      'amlprep: the transactions file argument must be a non-empty path string, got ""\n',
    );
  });

  it.each([['--log-format', 'json'], ['--log-format=json']])(
    'answer in JSON when the arguments ask for it: %s',
    async (...format) => {
      const io = bufferIo();

      const code = await main(['run', mixed, '--frobnicate', ...format], io);

      expect(code).toBe(2);
      const line = JSON.parse(io.err()) as Record<string, unknown>;
      expect(line).toMatchObject({
        kind: 'error',
        code: 'ERR_AMLPREP_USAGE',
        message: "run: unknown option '--frobnicate' (see 'amlprep run --help')",
        exitCode: 2,
      });
    },
  );

  it('say that a folder given to status does not exist', async () => {
    const io = bufferIo();
    const missing = join(tempDir(), 'nothing-here');

    const code = await main(['status', missing], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(`amlprep: ${missing}: no such folder\n`);
  });

  // Fresh-user report (session 11): a file given to status was "a folder nothing ran in",
  // and a number past 2^53 was echoed rounded under "must be at least 1".
  it('answer status --json with a JSON error, for scripts that read it', async () => {
    const io = bufferIo();
    const missing = join(tempDir(), 'nothing-here');

    const code = await main(['status', missing, '--json'], io);

    expect(code).toBe(2);
    // A missing folder is a wrong path, as to every other command, not a damaged store.
    expect(JSON.parse(io.err())).toMatchObject({
      kind: 'error',
      code: 'ERR_AMLPREP_INPUT',
      message: `${missing}: no such folder`,
      exitCode: 2,
    });
  });

  // Second fresh-user trial (session 16): inspect and export, which have --json too,
  // answered in plain text.
  it.each([
    [['inspect', '--json'], 'ERR_AMLPREP_INPUT'],
    [['export', '--format', 'csv', '--json'], 'ERR_AMLPREP_INPUT'],
  ])('answer %j with a JSON error too', async (flags, code) => {
    const io = bufferIo();
    const missing = join(tempDir(), 'nothing-here');

    const exit = await main([flags[0]!, missing, ...flags.slice(1)], io);

    expect(exit).toBe(2);
    expect(JSON.parse(io.err())).toMatchObject({ kind: 'error', code, exitCode: 2 });
  });

  it('say that a file given to status is not a folder', async () => {
    const io = bufferIo();

    const code = await main(['status', mixed], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(`amlprep: ${mixed}: not a folder (status reads an output folder)\n`);
  });

  // Trial L (session 19): a path through a file was "no such folder" to status and clean, and
  // "not a folder" to inspect and export.
  it.each([
    ['status', join(mixed, 'run'), 'status reads an output folder'],
    ['status', `${mixed}/`, 'status reads an output folder'],
    ['clean', join(mixed, 'run'), 'clean takes an output folder'],
  ])('say that %s of a path through a file is not a folder: %s', async (command, path, why) => {
    const io = bufferIo();

    const code = await main([command, path], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(`amlprep: ${path}: not a folder (${why})\n`);
  });

  // Trial K (session 19): inspect and export given a file were "internal error" with Node's
  // ENOTDIR from the lock's path inside it.
  it.each([
    ['inspect', [mixed]],
    ['export', [mixed, '--format', 'csv']],
    ['inspect', [join(mixed, 'run')]],
  ])('say that a file given to %s is not a folder', async (command, args) => {
    const io = bufferIo();

    const code = await main(
      [command, ...args, ...(command === 'export' ? ['--out', tempDir()] : [])],
      io,
    );

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: ${args[0]}: not a folder (${command} reads an output folder)\n`,
    );
  });

  it('refuse a file as the folder readOutputs and readManifest read', async () => {
    await expect(readOutputs(mixed)).rejects.toMatchObject({
      code: 'ERR_AMLPREP_INPUT',
      message: `${mixed}: not a folder (readOutputs reads an output folder)`,
    });
    expect(() => readManifest(mixed)).toThrow(
      `${mixed}: not a folder (readManifest reads an output folder)`,
    );
  });

  // Trial K (session 19): --smote-ratio 1e300 passed the dry run (its size estimate read 300
  // digits), and the run failed at imbalanced quoting a 300-digit row count.
  it.each([[['--dry-run']], [[]]])(
    'refuse a --smote-ratio no data could meet before anything runs %j',
    async (extra) => {
      const io = bufferIo();
      const out = tempDir();

      const code = await main(['run', mixed, '--out', out, '--smote-ratio', '1e300', ...extra], io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        'amlprep: run: --smote-ratio must be at most 107,374,182 (SMOTE adds at most ' +
          `107,374,181 rows), got 1e+300${RUN_HELP}\n`,
      );
      expect(existsSync(join(out, 'checkpoints.mdb'))).toBe(false);
    },
  );

  // Trial L (session 19): the estimate read "494,592,020 MiB".
  it("give a dry run's output estimate in TiB when it is that large", async () => {
    const io = bufferIo();
    const args = ['run', SAMPLE.transactions, '--out', tempDir(), '--dry-run'];

    expect(await main([...args, '--smote-ratio', '107374182'], io)).toBe(0);

    // 26,751 rows × 0.6 train × (1 + 107,374,182) resampled rows × 161 bytes ≈ 2.775e14
    // bytes, plus 8.6 MB of edges and 1 MB of nodes: 252.4 TiB.
    expect(io.out()).toMatch(/^outputs +about 252 TiB, at most about 252 TiB /m);
  });

  it('stop at imbalanced when the ratio asks for more synthetic rows than fit', async () => {
    const io = bufferIo();
    const args = ['run', SAMPLE.transactions, '--out', tempDir(), '--quiet'];

    const code = await main([...args, '--smote-ratio', '107374182'], io);

    // 107,374,182 × 16,761 majority train rows of the sample, less its 99 minority rows.
    expect(code).toBe(2);
    expect(io.err()).toBe(
      'amlprep: run: --smote-ratio 107374182 asks for 1,799,698,664,403 synthetic rows ' +
        `(16,761 majority train rows); at most 107,374,181 are supported${RUN_HELP}\n`,
    );
  });

  it('say that a number too large to hold is too large, quoting it as written', async () => {
    const io = bufferIo();
    const huge = '99999999999999999999';

    const code = await main(['run', mixed, '--out', tempDir(), '--chunk-size', huge], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      'amlprep: run: --chunk-size is too large (at most 9007199254740991), ' +
        `got "${huge}"${RUN_HELP}\n`,
    );
  });

  it("give --workers' own range for a number too large to hold", async () => {
    const io = bufferIo();
    const huge = '99999999999999999999';

    const code = await main(['run', mixed, '--out', tempDir(), '--workers', huge], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: run: --workers must be an integer from 1 to 256, got "${huge}"${RUN_HELP}\n`,
    );
  });

  it('give the upper bound when a library option is past it', async () => {
    await expect(
      run({ transactions: mixed, out: tempDir(), chunkSize: 1e20 }),
    ).rejects.toMatchObject({
      message:
        'options.chunkSize must be an integer of at most 2^53 - 1, got 100000000000000000000',
    });
  });
});

// Fresh-user report (session 9): --workers 200 ran the sample six times slower, silently.
describe('more workers than cores', () => {
  it('is a warning naming both counts; as many as the cores is not', async () => {
    const cores = availableParallelism();
    const warningsWith = async (workers: number): Promise<string[]> => {
      const warnings: string[] = [];
      await run({
        transactions: mixed,
        out: tempDir(),
        chunkSize: 4,
        workers,
        onProgress: (e) => {
          if (e.kind === 'warning') warnings.push(e.message);
        },
      });
      return warnings;
    };

    expect(await warningsWith(cores + 1)).toContain(
      `${cores + 1} workers on ${cores} cores: the threads beyond the cores only share them, ` +
        'and each holds its own memory',
    );
    expect((await warningsWith(cores)).filter((w) => w.includes('cores'))).toEqual([]);
  });

  it('is said by --dry-run too', async () => {
    const cores = availableParallelism();
    const io = bufferIo();

    const code = await main(
      ['run', mixed, '--out', tempDir(), '--workers', String(cores + 1), '--dry-run'],
      io,
    );

    expect(code).toBe(0);
    expect(io.err()).toBe(
      `warning: ${cores + 1} workers on ${cores} cores: the threads beyond the cores only ` +
        'share them, and each holds its own memory\n',
    );
    expect(io.out()).toContain('dry run: nothing was written');
  });
});

describe('a train split with too few minority rows for SMOTE', () => {
  /**
   * The tiny ports file with its row of the first day (line 3, in train) made a laundering
   * row: the one minority row of train. (Without any, the run now stops before SMOTE.)
   */
  function oneLaundering(): string {
    const lines = readFileSync(join(REPO, 'test', 'fixtures', 'tiny', 'ports.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines[2]).toMatch(/^2022\/09\/01 00:00,.*,0$/);
    lines[2] = `${lines[2]!.slice(0, -1)}1`;
    const path = join(tempDir(), 'one-laundering.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  // Fifth fresh-user trial (session 16): the warning printed before `imbalanced: start`
  // without naming a step, so it read as the step before's.
  it('is a warning naming the imbalanced step', async () => {
    const io = bufferIo();

    expect(await main(['run', oneLaundering(), '--out', tempDir(), '--workers', '1'], io)).toBe(0);

    expect(io.err()).toContain(
      'warning: imbalanced: SMOTE skipped: 1 minority training row(s), at least 2 are needed\n',
    );
  });

  // Trial CC (session 24): a rerun that took every step from its checkpoints gave no
  // warning, and its summary said only "(no resampling)".
  it('is said in the summary of a rerun that takes every step from its checkpoints', async () => {
    const out = tempDir();
    const path = oneLaundering();
    expect(await main(['run', path, '--out', out, '--workers', '1'], bufferIo())).toBe(0);
    const io = bufferIo();

    expect(await main(['run', path, '--out', out, '--workers', '1'], io)).toBe(0);

    expect(io.err()).not.toContain('SMOTE skipped');
    expect(io.out()).toMatch(/ rows \(no resampling: SMOTE needs 2 minority rows, train has 1\)\n/);
    expect(io.out()).toContain('loaded from checkpoints: data_loaded, node_features');
  });

  it('is not given as the reason when another method was asked for', async () => {
    const io = bufferIo();
    const args = ['--out', tempDir(), '--workers', '1', '--imbalance', 'none'];

    expect(await main(['run', oneLaundering(), ...args], io)).toBe(0);

    expect(io.out()).toMatch(/ rows \(no resampling\)\n/);
  });

  // Fresh-user trial (session 17): the warning still came before the step's start, in text
  // and in JSON logs, where a parser files it under the step before.
  it('comes after the step has started, in the library events too', async () => {
    const events: ProgressEvent[] = [];

    await run({
      transactions: oneLaundering(),
      out: tempDir(),
      workers: 1,
      onProgress: (event) => events.push(event),
    });

    const ofStep = events.filter((e) => e.step === 'imbalanced').map((e) => e.kind);
    expect(ofStep).toEqual(['step-start', 'warning', 'step-end']);
    expectNotesInsideTheirSteps(events);
  });

  // Trial C (session 17): why a checkpoint was not used came before the step's start, and an
  // edited output's note (graph_created's) before the first step.
  it('has every note of a rerun inside its step, or as the run’s own', async () => {
    const out = tempDir();
    await run(sampleRunOptions(out));
    const rerun = async (edit: () => void, seed = 42): Promise<ProgressEvent[]> => {
      edit();
      const events: ProgressEvent[] = [];
      await run({ ...sampleRunOptions(out), seed, onProgress: (event) => events.push(event) });
      return events;
    };

    const edited = await rerun(() => writeFileSync(join(out, 'manifest.json'), '{}\n'));
    const stray = await rerun(() => writeFileSync(join(out, 'rejected_rows.csv'), 'x\n'));
    const reseeded = await rerun(() => undefined, 5);

    expect(edited[0]).toMatchObject({ kind: 'note', step: null });
    expect((edited[0] as { message: string }).message).toMatch(/^rewriting all outputs: /);
    const notes = (events: ProgressEvent[]) =>
      events.filter((e) => e.kind === 'note').map((e) => e.message);
    expect(notes(stray)).toContain(
      'rejected_rows.csv removed: the run it would describe rejected no rows',
    );
    expect(notes(reseeded).some((m) => m.startsWith('imbalanced: checkpoint out of date'))).toBe(
      true,
    );
    for (const events of [edited, stray, reseeded]) expectNotesInsideTheirSteps(events);
  });
});

/** Each step's notes and warnings come after its start and before its end. */
function expectNotesInsideTheirSteps(events: ProgressEvent[]): void {
  for (const [i, e] of events.entries()) {
    if ((e.kind !== 'note' && e.kind !== 'warning') || e.step === null) continue;
    const started = events.findIndex((s) => s.kind === 'step-start' && s.step === e.step);
    const ended = events.findIndex((s) => s.kind === 'step-end' && s.step === e.step);
    expect(started, e.message).toBeGreaterThan(-1);
    expect(started, e.message).toBeLessThan(i);
    if (ended !== -1) expect(ended, e.message).toBeGreaterThan(i);
  }
}

describe('a --sample of more rows than the file has', () => {
  // Second fresh-user trial (session 16): the run said so, --dry-run did not.
  it('is said by --dry-run too, as the run says it', async () => {
    const io = bufferIo();
    const rows = readFileSync(mixed, 'utf8').trimEnd().split('\n').length - 1;

    const code = await main(['run', mixed, '--out', tempDir(), '--sample', '5k', '--dry-run'], io);

    expect(code).toBe(0);
    expect(io.err()).toBe(
      `note: --sample 5,000 asks for more rows than ${mixed} has; all its ${rows} data rows ` +
        'are used\n',
    );
  });
});

// Trial E (session 18): `--imbalance none --smote-ratio 3` took the ratio without a word.
describe('a --smote-ratio given with --imbalance none', () => {
  it('is said to have no effect, by the run and by --dry-run', async () => {
    const events: ProgressEvent[] = [];
    const options = { ...sampleRunOptions(tempDir()), sample: 2_000, imbalance: 'none' } as const;
    const io = bufferIo();

    await run({ ...options, smoteRatio: 3, onProgress: (e) => events.push(e) });
    const planned = await main(
      [
        'run',
        options.transactions,
        '--out',
        tempDir(),
        '--imbalance',
        'none',
        '--smote-ratio',
        '3',
        '--dry-run',
      ],
      io,
    );

    const note = '--smote-ratio 3 has no effect with --imbalance none';
    expect(events.filter((e) => e.kind === 'note')).toEqual([
      { kind: 'note', step: null, message: note },
    ]);
    expect(planned, io.err()).toBe(0);
    expect(io.err()).toContain(`note: ${note}\n`);
  });

  // Trial G (session 18): the ratio, unused, was still part of the step's fingerprint.
  it('does not make the steps after it out of date when dropped on a rerun', async () => {
    const options = { ...sampleRunOptions(tempDir()), sample: 2_000, imbalance: 'none' } as const;
    await run({ ...options, smoteRatio: 3, seed: 7 });

    const again = await run(options);

    expect(again.resumed).toEqual([...STEPS]);
  });

  // Trial I (session 18): `--seed 7` with none, as unused, was taken without a word.
  it('is said of --seed too, and of both together', async () => {
    const events: ProgressEvent[] = [];
    const options = { ...sampleRunOptions(tempDir()), sample: 2_000, imbalance: 'none' } as const;

    await run({ ...options, seed: 7, onProgress: (e) => events.push(e) });
    await run({ ...options, seed: 7, smoteRatio: 2, onProgress: (e) => events.push(e) });

    expect(events.filter((e) => e.kind === 'note').map((e) => e.message)).toEqual([
      '--seed 7 has no effect with --imbalance none',
      '--smote-ratio 2 and --seed 7 have no effect with --imbalance none',
    ]);
  });

  it('is not mentioned when left at its default', async () => {
    const events: ProgressEvent[] = [];

    await run({
      ...sampleRunOptions(tempDir()),
      sample: 2_000,
      imbalance: 'none',
      onProgress: (e) => events.push(e),
    });

    expect(events.some((e) => e.kind === 'note' && e.message.includes('smote-ratio'))).toBe(false);
  });
});

/** `argv` fails as a usage error whose message names an unknown option as `said`. */
async function expectUnknownOption(argv: string[], said: string): Promise<void> {
  const io = bufferIo();

  const code = await main(argv, io);

  expect(code).toBe(2);
  const command = argv[0]!;
  expect(io.err()).toBe(
    `amlprep: ${command}: unknown option ${said} (see 'amlprep ${command} --help')\n`,
  );
}
