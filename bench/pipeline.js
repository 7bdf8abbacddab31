// @ts-check
/**
 * Whole-pipeline benchmark: generates AMLworld-like input once per size, then runs all seven
 * steps with fresh checkpoints, one child process per (size, worker count), and prints where
 * the time, memory and bytes go. See bench/README.md for each number's meaning.
 *
 *   npm run bench                          1 M rows, workers 1 and 2
 *   node bench/pipeline.js --smoke         100 K rows, one worker count (seconds)
 *   node bench/pipeline.js --full          HI-Small scale (5,078,345 rows)
 *   node bench/pipeline.js --scaling       250 K, 1 M and 5 M rows: time per row
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { parseSize } from '../dist/src/memory/size.js';
import { buildInfo, buildLine } from './lib/build-info.js';
import { ensureDataset, TMP_DIR } from './lib/dataset.js';
import { describeMachine, loadNow, machineLine } from './lib/machine.js';
import {
  ablationTable,
  ioTable,
  runFacts,
  scalingTable,
  speedupTable,
  timeTable,
  whereTimeGoes,
} from './lib/report.js';
import { appendMarkdown, commandLine, saveJson } from './lib/results.js';

/** @typedef {import('./pipeline-run.js').RunConfig} RunConfig */
/** @typedef {import('./pipeline-run.js').RunMeasurement} RunMeasurement */
/** @typedef {import('./lib/dataset.js').Dataset} Dataset */

const DEFAULT_ROWS = 1_000_000;
const SMOKE_ROWS = 100_000;
/** HI-Small of the AMLworld release (Altman et al., 2023). */
const HI_SMALL = Object.freeze({ rows: 5_078_345, accounts: 515_088 });
const SCALING_ROWS = Object.freeze([250_000, 1_000_000, 5_000_000]);
const DEFAULT_SEED = 42;
/** Characters of a failed child's stderr kept for the report. */
const STDERR_TAIL = 4_000;

const USAGE =
  `usage: node bench/pipeline.js [options]
  --rows N          transaction rows (default ${DEFAULT_ROWS.toLocaleString('en-US')})
  --accounts M      accounts (default rows / 10)
  --workers N[,N]   worker counts to run (default 1,2; one count, all cores, with --smoke
                    and --scaling)
  --seed S          generator seed (default ${DEFAULT_SEED})
  --chunk-size N    engine chunkSize (default: the engine's own)
  --memory-budget S engine memoryBudget, e.g. 4g (default: the engine's own, 3/4 of the
                    memory available); the report says whether edge features streamed
  --full            HI-Small scale: ${HI_SMALL.rows.toLocaleString('en-US')} rows, ` +
  `${HI_SMALL.accounts.toLocaleString('en-US')} accounts
  --scaling         250 K, 1 M and 5 M rows; prints time per row
  --smoke           a short pass: ${SMOKE_ROWS.toLocaleString('en-US')} rows, one worker count
  --repeat N        run each configuration N times and report the fastest (default 1)
  --commit-ablation also run each configuration with chunk checkpoints skipped and
                    compare step times (a second estimate of the checkpoint overhead)
  --no-save         print only; skip bench/results/ and bench/RESULTS.md`;

/**
 * @typedef {object} Plan
 * @property {'default' | 'full' | 'smoke' | 'scaling'} mode
 * @property {{ rows: number, accounts: number }[]} sizes
 * @property {number[]} workers
 * @property {number} seed
 * @property {number | null} chunkSize
 * @property {string | null} memoryBudget  as given; the engine validates it
 * @property {boolean} save
 * @property {boolean} ablation
 * @property {number} repeat
 */

/** Flags as parsed; an unknown flag ends the process with the usage text, not a stack. */
function parseFlags() {
  try {
    return parseArgs({
      options: {
        rows: { type: 'string' },
        accounts: { type: 'string' },
        workers: { type: 'string' },
        seed: { type: 'string' },
        'chunk-size': { type: 'string' },
        'memory-budget': { type: 'string' },
        full: { type: 'boolean' },
        scaling: { type: 'boolean' },
        smoke: { type: 'boolean' },
        'no-save': { type: 'boolean' },
        'commit-ablation': { type: 'boolean' },
        repeat: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** @returns {Plan} */
function planFromArgs() {
  const values = parseFlags();
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const modes = [values.full, values.scaling, values.smoke].filter((v) => v === true).length;
  if (modes > 1) fail('--full, --scaling and --smoke exclude each other');

  const mode =
    values.full === true
      ? 'full'
      : values.scaling === true
        ? 'scaling'
        : values.smoke === true
          ? 'smoke'
          : 'default';
  const rowsFlag = intFlag('rows', values.rows);
  const accountsFlag = intFlag('accounts', values.accounts);
  const single = mode === 'smoke' || mode === 'scaling';
  const workers =
    values.workers === undefined
      ? single
        ? [availableParallelism()]
        : [1, 2]
      : values.workers.split(',').map((w) => intFlag('workers', w) ?? 0);

  const sizeOf = (/** @type {number} */ rows) => ({
    rows,
    accounts:
      accountsFlag ?? (mode === 'full' ? HI_SMALL.accounts : Math.max(32, Math.round(rows / 10))),
  });
  const sizes =
    mode === 'scaling'
      ? SCALING_ROWS.map(sizeOf)
      : [
          sizeOf(
            rowsFlag ??
              (mode === 'full' ? HI_SMALL.rows : mode === 'smoke' ? SMOKE_ROWS : DEFAULT_ROWS),
          ),
        ];
  return {
    mode,
    sizes,
    workers,
    seed: intFlag('seed', values.seed) ?? DEFAULT_SEED,
    chunkSize: intFlag('chunk-size', values['chunk-size']),
    memoryBudget: sizeFlag('memory-budget', values['memory-budget']),
    save: values['no-save'] !== true,
    ablation: values['commit-ablation'] === true,
    repeat: intFlag('repeat', values.repeat) ?? 1,
  };
}

/**
 * @param {string} name
 * @param {string | undefined} value
 */
function intFlag(name, value) {
  if (value === undefined) return null;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1) fail(`--${name} must be a positive integer, got ${value}`);
  return n;
}

/**
 * A size as the engine reads it (bytes, or k/m/g/t), checked here so a typo fails before any
 * input is generated.
 * @param {string} name
 * @param {string | undefined} value
 */
function sizeFlag(name, value) {
  if (value === undefined) return null;
  if (parseSize(value) === null) fail(`--${name} must be a size such as 4g or 512m, got ${value}`);
  return value;
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** @param {string} message */
function log(message) {
  process.stderr.write(`${message}\n`);
}

/**
 * Runs one configuration in a child process and waits for its measurement.
 * @param {RunConfig} config
 * @returns {Promise<RunMeasurement>}
 */
function runChild(config) {
  const script = new URL('./pipeline-run.js', import.meta.url).pathname;
  const child = fork(script, [JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (/** @type {Buffer} */ data) => {
    process.stderr.write(data);
    stderr = (stderr + data.toString('utf8')).slice(-STDERR_TAIL);
  });

  /** @type {RunMeasurement | null} */
  let measurement = null;
  child.on('message', (message) => {
    measurement = /** @type {RunMeasurement} */ (message);
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      if (measurement !== null && code === 0) {
        resolve(measurement);
        return;
      }
      // A crash outside run() (out of memory, a native abort) leaves no measurement.
      const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
      const base = measurement ?? emptyMeasurement(config);
      resolve({
        ...base,
        ok: false,
        error:
          `${base.error ?? 'child died'} (${how}); ` +
          `stderr tail: ${stderr.trim().slice(-600) || '(empty)'}`,
      });
    });
  });
}

/**
 * @param {RunConfig} config
 * @returns {RunMeasurement}
 */
function emptyMeasurement(config) {
  return {
    ok: false,
    skipCommits: config.skipCommits,
    workers: config.workers,
    rows: config.rows,
    wallSeconds: NaN,
    setupSeconds: NaN,
    closeSeconds: NaN,
    peakRssBytes: NaN,
    vmHwmBytes: null,
    selfCores: null,
    otherCores: null,
    outputBytes: 0,
    files: {},
    steps: [],
    notes: [],
  };
}

/**
 * @param {Plan} plan
 * @param {Dataset} data
 * @param {{ rows: number, accounts: number }} size
 */
async function benchSize(plan, data, size) {
  /** @type {RunMeasurement[]} */
  const runs = [];
  /** @type {string[]} */
  const sections = [];
  /** @param {string} section */
  const show = (section) => {
    sections.push(section);
    process.stdout.write(`\n${section}\n`);
  };
  /** @type {RunMeasurement[]} */
  const every = [];
  for (const workers of plan.workers) {
    /** @param {boolean} skipCommits */
    const measure = async (skipCommits) => {
      /** @type {RunMeasurement[]} */
      const tries = [];
      for (let i = 1; i <= plan.repeat; i++) {
        log(
          `running ${size.rows.toLocaleString('en-US')} rows with ${workers} worker(s)` +
            `${skipCommits ? ', chunk checkpoints skipped' : ''}` +
            `${plan.repeat > 1 ? ` (${i}/${plan.repeat})` : ''} …`,
        );
        tries.push(
          await runChild({
            transactions: data.transactions,
            accounts: data.accounts,
            patterns: data.patterns,
            out: join(TMP_DIR, 'out', `r${size.rows}-w${workers}${skipCommits ? '-nockpt' : ''}`),
            rows: data.rows,
            workers,
            chunkSize: plan.chunkSize,
            memoryBudget: plan.memoryBudget,
            skipCommits,
          }),
        );
      }
      every.push(...tries);
      return fastest(tries);
    };
    const m = await measure(false);
    runs.push(m);
    show(describeRun(m, size));
    if (!plan.ablation) continue;
    const without = await measure(true);
    runs.push(without);
    show(
      without.ok && m.ok
        ? `#### Checkpoint ablation, ${workers} worker(s)\n\n` + `${ablationTable(m, without)}\n`
        : describeRun(without, size),
    );
  }
  const ok = runs.filter((r) => r.ok && !r.skipCommits);
  if (plan.mode !== 'scaling' && ok.length > 1) {
    const others = ok.map((r) => `w=${r.workers} ${r.otherCores?.toFixed(2) ?? '?'}`).join(', ');
    show(
      `#### Speedup by worker count\n\n${speedupTable(ok)}\n\n` +
        `Cores used by other processes meanwhile: ${others}.\n`,
    );
  }
  return { runs, every, sections };
}

/**
 * The least disturbed of repeated runs: other load only ever adds time. A failure wins, so
 * it is not hidden behind a lucky retry.
 * @param {RunMeasurement[]} tries
 * @returns {RunMeasurement}
 */
function fastest(tries) {
  const failed = tries.find((t) => !t.ok);
  if (failed !== undefined) return failed;
  return tries.reduce((best, t) => (t.wallSeconds < best.wallSeconds ? t : best));
}

/**
 * @param {RunMeasurement} m
 * @param {{ rows: number, accounts: number }} size
 */
function describeRun(m, size) {
  const title =
    `#### ${size.rows.toLocaleString('en-US')} rows, ` +
    `${size.accounts.toLocaleString('en-US')} accounts, ${m.workers} worker(s)`;
  if (!m.ok) return `${title}\n\n**FAILED**: ${m.error ?? 'unknown error'}\n`;
  const notes = m.notes.length === 0 ? '' : `\nEngine notes: ${m.notes.join(' | ')}\n`;
  return (
    `${title}\n\n${timeTable(m)}\n\n${ioTable(m)}\n\n${runFacts(m)}\n${whereTimeGoes(m)}\n` + notes
  );
}

async function main() {
  const plan = planFromArgs();
  const machine = describeMachine();
  const command = commandLine('bench/pipeline.js');
  const started = new Date();
  const build = buildInfo();
  log(`amlprep pipeline bench (${plan.mode}) on ${machineLine(machine)}`);

  /** @type {RunMeasurement[]} */
  const runs = [];
  /** @type {RunMeasurement[]} */
  const allRuns = [];
  /** @type {string[]} */
  const sections = [];
  /** @type {object[]} */
  const inputs = [];
  for (const size of plan.sizes) {
    const data = await ensureDataset({ ...size, seed: plan.seed }, log);
    inputs.push({
      ...size,
      bytes: data.bytes,
      launderingRows: data.launderingRows,
      generator: data.generator,
      generatedSeconds: data.generatedSeconds,
    });
    const done = await benchSize(plan, data, size);
    runs.push(...done.runs);
    allRuns.push(...done.every);
    sections.push(...done.sections);
  }
  if (plan.mode === 'scaling') {
    const accounts = new Map(plan.sizes.map((s) => [s.rows, s.accounts]));
    const normal = runs.filter((r) => r.ok && !r.skipCommits);
    const section = `#### Scaling\n\n${scalingTable(normal, accounts)}\n`;
    sections.push(section);
    process.stdout.write(`\n${section}\n`);
  }

  const loadAtEnd = loadNow();
  const setup =
    `Machine: ${machineLine(machine)}, ${loadAtEnd.join(' ')} at end. ` +
    `Build: ${buildLine(build)}. Threads: engine workers ` +
    `${plan.workers.join(' and ')} (plus the coordinator and one RSS sampler thread); ` +
    `chunk size ${plan.chunkSize?.toLocaleString('en-US') ?? 'engine default'}; ` +
    `memory budget ${plan.memoryBudget ?? 'engine default'}; seed ${plan.seed}` +
    `${plan.repeat > 1 ? `; fastest of ${plan.repeat} runs per configuration` : ''}.`;
  if (plan.save) {
    const json = saveJson(machine.hostname, {
      kind: 'pipeline',
      mode: plan.mode,
      command,
      startedAt: started.toISOString(),
      machine,
      loadAverageAtEnd: loadAtEnd,
      build,
      plan: { ...plan },
      inputs,
      reported: runs,
      runs: allRuns,
    });
    const md = appendMarkdown(
      `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
        `· pipeline (${plan.mode})\n\nCommand: \`${command}\`\n\n${setup}\n\n` +
        sections.join('\n'),
    );
    log(`\nsaved ${json}\nappended ${md}`);
  }
  if (runs.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
