// @ts-check
/**
 * One measured run() in a process of its own, started by pipeline.js. A fresh process per
 * configuration keeps peak RSS, VmHWM and the JIT state of one run out of the next, and
 * lets an engine crash be reported instead of ending the whole benchmark.
 *
 * Input: the RunConfig as JSON in argv[2]. Output: one RunMeasurement over the IPC channel.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { CheckpointStore } from '../dist/src/checkpoint/store.js';
import { run } from '../dist/src/index.js';
import { skipChunkCommits, timeCheckpoints } from './lib/checkpoint-timer.js';
import { readCpuSeconds, readIo, readVmHWM } from './lib/proc.js';
import { startRssSampler } from './lib/rss-sampler.js';

/** Every 100 ms, as the brief of this benchmark asks; fine enough for steps of a second. */
const RSS_INTERVAL_MS = 100;

/**
 * @typedef {object} RunConfig
 * @property {string} transactions
 * @property {string} accounts
 * @property {string} patterns
 * @property {string} out           removed before the run, so folder growth is this run's
 *   alone, and after it: at HI-Small scale one run leaves almost 4 GB
 * @property {number} rows          data rows in the transactions file
 * @property {number} workers
 * @property {number | null} chunkSize  null: the engine's default
 * @property {string | null} memoryBudget  null: the engine's default
 * @property {boolean} skipCommits  ablation: chunk results are not checkpointed
 */

/**
 * @typedef {object} StepMeasurement
 * @property {string} step
 * @property {number} wallSeconds     previous step-end (or run() call) to this step-end
 * @property {number} engineSeconds   the engine's own StepOutcome.seconds
 * @property {number | null} prepSeconds  step begin to its step-start event: coordinator
 *   work before the first chunk (null for steps without chunks, which emit no step-start)
 * @property {number | null} tailSeconds  last chunk-done to step-end: coordinator work after
 *   the chunks (merging parsed chunks, scattering results, the step record)
 * @property {number | null} chunks
 * @property {number} chunkRows       sum of chunk-done rows (items, not always transactions)
 * @property {number} cpuSeconds      CPU time of the process (all threads) during the step
 * @property {number} peakRssBytes    sampled during the step
 * @property {number} folderBytes     output folder size at step end
 * @property {number | null} ioWriteBytes  /proc/self/io write_bytes during the step
 * @property {import('./lib/checkpoint-timer.js').CommitStats | null} commit
 */

/**
 * @typedef {object} RunMeasurement
 * @property {boolean} ok
 * @property {string} [error]
 * @property {boolean} skipCommits
 * @property {number} workers
 * @property {number} rows
 * @property {number} wallSeconds     the run() call, start to resolve
 * @property {number} setupSeconds    run() call to the first step's begin
 * @property {number} closeSeconds    last step-end to run() resolving (pool and store close)
 * @property {number} peakRssBytes
 * @property {number | null} vmHwmBytes
 * @property {number | null} selfCores   CPU seconds of this process per wall second
 * @property {number | null} otherCores  CPU seconds of all other processes per wall second
 * @property {number} outputBytes     output folder size at the end
 * @property {Record<string, number>} files  final size of each output file
 * @property {StepMeasurement[]} steps
 * @property {string[]} notes         note and warning events, verbatim
 * @property {object} [summary]
 * @property {import('../dist/src/memory/plan.js').MemoryPlan | null} [memory]  the engine's
 *   memory budget, footprint estimate and mode
 */

async function main() {
  const config = /** @type {RunConfig} */ (JSON.parse(process.argv[2] ?? '{}'));
  const measurement = await measure(config);
  await new Promise((resolve) => process.send?.(measurement, resolve));
  process.disconnect?.();
}

/**
 * @param {RunConfig} config
 * @returns {Promise<RunMeasurement>}
 */
async function measure(config) {
  rmSync(config.out, { recursive: true, force: true });
  const sampler = startRssSampler(RSS_INTERVAL_MS);
  const unskip = config.skipCommits ? skipChunkCommits(CheckpointStore) : () => {};
  const commits = timeCheckpoints(CheckpointStore);
  const progress = trackSteps(config.out, sampler);

  let failure = null;
  let result = null;
  const cpuBefore = readCpuSeconds();
  const started = performance.now();
  try {
    result = await run({
      transactions: config.transactions,
      accounts: config.accounts,
      patterns: config.patterns,
      out: config.out,
      fresh: true,
      workers: config.workers,
      ...(config.chunkSize === null ? {} : { chunkSize: config.chunkSize }),
      ...(config.memoryBudget === null ? {} : { memoryBudget: config.memoryBudget }),
      onProgress: (event) => progress.onEvent(event, performance.now() - started),
    });
  } catch (error) {
    failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const wallMs = performance.now() - started;
  const cpuAfter = readCpuSeconds();
  commits.restore();
  unskip();
  const peakRssBytes = sampler.overallPeak();
  await sampler.stop();

  const byStep = commits.byStep();
  const steps = progress.steps().map((s) => ({ ...s, commit: byStep.get(s.step) ?? null }));
  const firstBegin = progress.firstBeginMs(result?.steps[0]?.seconds ?? null);
  const { total, files } = folderSize(config.out);
  rmSync(config.out, { recursive: true, force: true });
  return {
    ok: failure === null,
    ...(failure === null ? {} : { error: failure }),
    skipCommits: config.skipCommits,
    workers: config.workers,
    rows: config.rows,
    wallSeconds: wallMs / 1000,
    setupSeconds: firstBegin / 1000,
    closeSeconds: (wallMs - progress.lastEndMs()) / 1000,
    peakRssBytes,
    vmHwmBytes: readVmHWM(),
    ...cpuShares(cpuBefore, cpuAfter, wallMs / 1000),
    outputBytes: total,
    files,
    steps,
    notes: progress.notes(),
    ...(result === null ? {} : { summary: result.summary, memory: result.memory }),
  };
}

/**
 * @param {{ machineBusy: number, self: number } | null} before
 * @param {{ machineBusy: number, self: number } | null} after
 * @param {number} seconds
 */
function cpuShares(before, after, seconds) {
  if (before === null || after === null) return { selfCores: null, otherCores: null };
  const self = after.self - before.self;
  const other = Math.max(0, after.machineBusy - before.machineBusy - self);
  return { selfCores: self / seconds, otherCores: other / seconds };
}

/**
 * Turns progress events into per-step wall times and end-of-step samples.
 * @param {string} out
 * @param {import('./lib/rss-sampler.js').RssSampler} sampler
 */
function trackSteps(out, sampler) {
  /** @type {StepMeasurement[]} */
  const done = [];
  /** @type {string[]} */
  const notes = [];
  /** @type {Map<string, { at: number, chunks: number }>} */
  const starts = new Map();
  /** @type {Map<string, number>} */
  const chunkRows = new Map();
  /** @type {Map<string, number>} */
  const lastChunk = new Map();
  let lastEnd = 0;
  let lastIo = readIo();
  let lastCpu = cpuSeconds();

  /**
   * @param {import('../dist/src/index.js').ProgressEvent} event
   * @param {number} at  ms since run() was called
   */
  const onEvent = (event, at) => {
    switch (event.kind) {
      case 'step-start':
        starts.set(event.step, { at, chunks: event.chunks });
        return;
      case 'chunk-done':
        chunkRows.set(event.step, (chunkRows.get(event.step) ?? 0) + event.rows);
        lastChunk.set(event.step, at);
        return;
      case 'note':
      case 'warning':
        notes.push(`${event.kind} [${event.step ?? '-'}] ${event.message}`);
        return;
      case 'step-end': {
        const io = readIo();
        const cpu = cpuSeconds();
        const start = starts.get(event.step);
        const tail = lastChunk.get(event.step);
        // The engine's step timer starts `seconds` before its step-end; step-start comes later.
        const begin = at - event.seconds * 1000;
        done.push({
          step: event.step,
          wallSeconds: (at - lastEnd) / 1000,
          engineSeconds: event.seconds,
          prepSeconds: start === undefined ? null : Math.max(0, start.at - begin) / 1000,
          tailSeconds: tail === undefined ? null : (at - tail) / 1000,
          chunks: start?.chunks ?? null,
          chunkRows: chunkRows.get(event.step) ?? 0,
          cpuSeconds: cpu - lastCpu,
          peakRssBytes: sampler.takeWindowPeak(),
          folderBytes: folderSize(out).total,
          ioWriteBytes: io === null || lastIo === null ? null : io.writeBytes - lastIo.writeBytes,
          commit: null,
        });
        lastEnd = at;
        lastIo = io;
        lastCpu = cpu;
      }
    }
  };
  return {
    onEvent,
    steps: () => done,
    notes: () => notes,
    lastEndMs: () => lastEnd,
    /** @param {number | null} firstSeconds */
    firstBeginMs: (firstSeconds) => {
      const first = done[0];
      if (first === undefined || firstSeconds === null) return 0;
      return first.wallSeconds * 1000 - firstSeconds * 1000;
    },
  };
}

/** User plus system CPU of every thread of this process, in seconds. */
function cpuSeconds() {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/**
 * Apparent size of the files in the output folder (the engine writes it flat).
 * @param {string} dir
 */
function folderSize(dir) {
  /** @type {Record<string, number>} */
  const files = {};
  let total = 0;
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return { total, files };
  }
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      if (!st.isFile()) continue;
      files[name] = st.size;
      total += st.size;
    } catch {
      // Renamed away between readdir and stat (a .tmp file): it is counted at the next step.
    }
  }
  return { total, files };
}

await main();
