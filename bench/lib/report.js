// @ts-check
import { fmtInt, fmtMiB, fmtPercent, fmtRatio, fmtSeconds, renderTable } from './table.js';

/** @typedef {import('../pipeline-run.js').RunMeasurement} RunMeasurement */
/** @typedef {import('../pipeline-run.js').StepMeasurement} StepMeasurement */

/** Other processes' CPU, in cores, above which a run is flagged as disturbed. */
const DISTURBED_CORES = 0.25;

/**
 * Where the time went: wall time per step, its share, coordinator time before the first chunk
 * and after the last, throughput in input rows, and the time with a commit pending.
 * @param {RunMeasurement} m
 */
export function timeTable(m) {
  const total = sum(m.steps, (s) => s.wallSeconds);
  const rows = m.steps.map((s) => [
    s.step,
    fmtSeconds(s.wallSeconds),
    fmtPercent(s.wallSeconds / total),
    fmtSeconds(s.prepSeconds),
    fmtSeconds(s.tailSeconds),
    fmtInt(m.rows / s.wallSeconds),
    fmtSeconds(s.commit?.busySeconds),
    fmtPercent(commitShare(s)),
    fmtSeconds(s.commit?.syncSeconds),
  ]);
  const busy = sum(m.steps, (s) => s.commit?.busySeconds ?? 0);
  const sync = sum(m.steps, (s) => s.commit?.syncSeconds ?? 0);
  rows.push([
    'all steps',
    fmtSeconds(total),
    fmtPercent(1),
    '–',
    '–',
    fmtInt(m.rows / total),
    fmtSeconds(busy),
    fmtPercent(busy / total),
    fmtSeconds(sync),
  ]);
  return renderTable(
    ['step', 'wall s', 'share', 'prep s', 'tail s', 'rows/s', 'commit s', 'commit %', 'encode s'],
    rows,
  );
}

/**
 * CPU, memory and bytes per step: cores kept busy (CPU seconds per wall second; about 1 means
 * the step ran on one thread), sampled peak RSS, growth of the output folder, checkpoint
 * payload bytes handed to LMDB, and bytes the kernel counted as written to storage.
 * @param {RunMeasurement} m
 */
export function ioTable(m) {
  let previous = 0;
  const rows = m.steps.map((s) => {
    const grown = s.folderBytes - previous;
    previous = s.folderBytes;
    return [
      s.step,
      s.chunks === null ? '–' : String(s.chunks),
      fmtSeconds(s.cpuSeconds),
      (s.cpuSeconds / s.wallSeconds).toFixed(2),
      fmtMiB(s.peakRssBytes),
      fmtMiB(grown),
      fmtMiB(s.commit?.payloadBytes ?? 0),
      fmtMiB(s.ioWriteBytes),
    ];
  });
  const cpu = sum(m.steps, (s) => s.cpuSeconds);
  rows.push([
    'all steps',
    fmtInt(sum(m.steps, (s) => s.chunks ?? 0)),
    fmtSeconds(cpu),
    (cpu / sum(m.steps, (s) => s.wallSeconds)).toFixed(2),
    fmtMiB(m.peakRssBytes),
    fmtMiB(previous),
    fmtMiB(sum(m.steps, (s) => s.commit?.payloadBytes ?? 0)),
    m.steps.some((s) => s.ioWriteBytes === null)
      ? '–'
      : fmtMiB(sum(m.steps, (s) => s.ioWriteBytes ?? 0)),
  ]);
  return renderTable(
    ['step', 'chunks', 'cpu s', 'cores', 'peak RSS MiB', 'folder +MiB', 'ckpt MiB', 'disk MiB'],
    rows,
  );
}

/**
 * Wall time per step for each worker count, and the speedup of each count over the smallest.
 * @param {RunMeasurement[]} runs  same input, different worker counts
 */
export function speedupTable(runs) {
  const sorted = [...runs].sort((a, b) => a.workers - b.workers);
  const base = sorted[0];
  if (base === undefined) return '';
  const others = sorted.slice(1);
  const headers = [
    'step',
    ...sorted.map((r) => `w=${r.workers} s`),
    ...others.map((r) => `speedup w=${r.workers}`),
  ];
  /** @param {(r: RunMeasurement) => number | undefined} pick */
  const row = (pick) => [
    ...sorted.map((r) => fmtSeconds(pick(r))),
    ...others.map((r) => fmtRatio((pick(base) ?? NaN) / (pick(r) ?? NaN))),
  ];
  const rows = base.steps.map((s) => [
    s.step,
    ...row((r) => r.steps.find((t) => t.step === s.step)?.wallSeconds),
  ]);
  rows.push(['run() total', ...row((r) => r.wallSeconds)]);
  return renderTable(headers, rows);
}

/**
 * Step times with and without chunk checkpoints: the difference is what checkpointing costs
 * on the critical path, as opposed to the time a commit was merely pending.
 * @param {RunMeasurement} withCommits
 * @param {RunMeasurement} without
 */
export function ablationTable(withCommits, without) {
  const rows = withCommits.steps.map((s) => {
    const other = without.steps.find((t) => t.step === s.step)?.wallSeconds ?? NaN;
    return [
      s.step,
      fmtSeconds(s.wallSeconds),
      fmtSeconds(other),
      fmtSeconds(s.wallSeconds - other),
      fmtPercent((s.wallSeconds - other) / s.wallSeconds),
      fmtPercent(commitShare(s)),
    ];
  });
  const a = sum(withCommits.steps, (s) => s.wallSeconds);
  const b = sum(without.steps, (s) => s.wallSeconds);
  rows.push([
    'all steps',
    fmtSeconds(a),
    fmtSeconds(b),
    fmtSeconds(a - b),
    fmtPercent((a - b) / a),
    fmtPercent(sum(withCommits.steps, (s) => s.commit?.busySeconds ?? 0) / a),
  ]);
  return renderTable(['step', 'with s', 'without s', 'cost s', 'cost %', 'commit % (timed)'], rows);
}

/**
 * Time per input row at each size: flat means linear scaling.
 * @param {RunMeasurement[]} runs
 * @param {Map<number, number>} accountsByRows
 */
export function scalingTable(runs, accountsByRows) {
  const rows = [...runs]
    .sort((a, b) => a.rows - b.rows)
    .map((r) => {
      const top = [...r.steps].sort((a, b) => b.wallSeconds - a.wallSeconds)[0];
      return [
        fmtInt(r.rows),
        fmtInt(accountsByRows.get(r.rows)),
        String(r.workers),
        fmtSeconds(r.wallSeconds),
        ((r.wallSeconds / r.rows) * 1e6).toFixed(2),
        fmtMiB(r.peakRssBytes),
        fmtMiB(r.vmHwmBytes),
        top === undefined ? '–' : `${top.step} ${((top.wallSeconds / r.rows) * 1e6).toFixed(2)}`,
      ];
    });
  return renderTable(
    [
      'rows',
      'accounts',
      'workers',
      'run s',
      'µs/row',
      'peak RSS MiB',
      'VmHWM MiB',
      'slowest step µs/row',
    ],
    rows,
  );
}

/**
 * One line naming the steps that took 80% of the time, largest first.
 * @param {RunMeasurement} m
 */
export function whereTimeGoes(m) {
  const total = sum(m.steps, (s) => s.wallSeconds);
  const ranked = [...m.steps].sort((a, b) => b.wallSeconds - a.wallSeconds);
  const picked = [];
  let covered = 0;
  for (const s of ranked) {
    if (covered >= 0.8 * total) break;
    picked.push(`${s.step} ${fmtPercent(s.wallSeconds / total)}`);
    covered += s.wallSeconds;
  }
  return `Most time: ${picked.join(', ')}.`;
}

/**
 * The numbers a table has no room for.
 * @param {RunMeasurement} m
 */
export function runFacts(m) {
  return [
    `run() ${fmtSeconds(m.wallSeconds)} s: setup before data_loaded ` +
      `${fmtSeconds(m.setupSeconds)} s, pool and store close ${fmtSeconds(m.closeSeconds)} s.`,
    `Peak RSS ${fmtMiB(m.peakRssBytes)} MiB sampled, VmHWM ${fmtMiB(m.vmHwmBytes)} MiB.`,
    memoryLine(m),
    cpuLine(m),
    `Output folder ${fmtMiB(m.outputBytes)} MiB: ${fileList(m.files)}.`,
  ].join('\n');
}

/**
 * The engine's memory budget and the mode it chose, with its footprint estimates.
 * @param {RunMeasurement} m
 */
function memoryLine(m) {
  if (m.memory === undefined || m.memory === null) return 'Memory budget: not reported.';
  const { budget, estimate, streaming } = m.memory;
  return (
    `Memory budget ${fmtMiB(budget)} MiB: edge features ` +
    `${streaming ? 'streamed through a file' : 'held in memory'} (engine estimate after ` +
    `data_loaded: ${fmtMiB(estimate.inMemory)} MiB in memory, ` +
    `${fmtMiB(estimate.streaming)} MiB streaming).`
  );
}

/**
 * Cores this run kept busy and cores other programs took meanwhile; the latter flags a
 * disturbed measurement.
 * @param {RunMeasurement} m
 */
function cpuLine(m) {
  if (m.selfCores === null || m.otherCores === null) return 'CPU use: not available here.';
  const line =
    `CPU: this run ${m.selfCores.toFixed(2)} cores on average, ` +
    `other processes ${m.otherCores.toFixed(2)} cores.`;
  return m.otherCores > DISTURBED_CORES ? `${line} **Disturbed: times are inflated.**` : line;
}

/** @param {Record<string, number>} files */
function fileList(files) {
  return Object.entries(files)
    .filter(([name]) => !name.endsWith('-lock'))
    .map(([name, bytes]) => `${name} ${fmtMiB(bytes)}`)
    .join(', ');
}

/** @param {StepMeasurement} s */
function commitShare(s) {
  return s.commit === null ? null : s.commit.busySeconds / s.wallSeconds;
}

/**
 * @template T
 * @param {readonly T[]} items
 * @param {(item: T) => number} pick
 */
function sum(items, pick) {
  return items.reduce((n, item) => n + pick(item), 0);
}
