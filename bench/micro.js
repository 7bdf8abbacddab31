// @ts-check
/**
 * Micro-benchmarks of the engine's hot paths, called directly on the coordinator thread (no
 * pool), so each number is one kernel's single-thread speed. Plain timing loops: warm-up,
 * then several timed calls; the median is reported. See bench/README.md.
 *
 *   node bench/micro.js [--rows N] [--only scan,parse,...] [--iterations N] [--no-save]
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { CheckpointStore } from '../dist/src/checkpoint/store.js';
import { EDGE_FEATURE_COUNT, NODE_FEATURE_COUNT } from '../dist/src/features/definitions.js';
import {
  edgePortFeatures,
  edgeRowFeatures,
  matrixPorts,
} from '../dist/src/features/edge-kernel.js';
import { edgeRecords } from '../dist/src/features/edge-records.js';
import { MODEL_SCALED } from '../dist/src/features/model-input.js';
import { nodeFeatures } from '../dist/src/features/node-kernel.js';
import { makeMatrix } from '../dist/src/features/tables.js';
import { readHeader, TRANSACTION_COLUMNS } from '../dist/src/ingest/header.js';
import { ByteDict } from '../dist/src/ingest/byte-dict.js';
import { allocateRows, parseChunk } from '../dist/src/ingest/parse-chunk.js';
import { planChunks } from '../dist/src/ingest/scan.js';
import { f64, i32, i64, timestamps, utf8 } from '../dist/src/output/arrow-columns.js';
import { writeArrowFile } from '../dist/src/output/arrow-file.js';
import { nearestNeighbours } from '../dist/src/resample/knn.js';
import { buildInfo, buildLine } from './lib/build-info.js';
import { ensureDataset, TMP_DIR } from './lib/dataset.js';
import { buildGraph, kernelFixture } from './lib/kernel-fixture.js';
import { describeMachine, loadNow, machineLine } from './lib/machine.js';
import { readCpuSeconds } from './lib/proc.js';
import { appendMarkdown, commandLine, saveJson } from './lib/results.js';
import { fmtCount, fmtInt, renderTable } from './lib/table.js';
import { time } from './lib/timing.js';

const DEFAULT_ROWS = 500_000;
/** The engine's default chunkSize: one parse task and one node_features checkpoint. */
const CHUNK_ROWS = 100_000;
/** SMOTE minority sizes: HI-Small's train split has about 3,000 laundering rows. */
const KNN_SIZES = Object.freeze([1_000, 4_000]);
const KNN_K = 3;
const ARROW_F64_COLUMNS = 20;
const SMALL_COMMIT_ROWS = 1_024;
const MIB = 1024 * 1024;
const WORK_DIR = join(TMP_DIR, 'micro');
/** As in pipeline.js: other processes' cores above which timings are flagged. */
const DISTURBED_CORES = 0.25;

/**
 * @typedef {object} Bench
 * @property {string} name
 * @property {string} size     what one call processes, for the table
 * @property {number} amount   units per call, for the throughput
 * @property {string} unit     e.g. 'MiB', 'rows', 'pairs'
 * @property {() => unknown} fn
 * @property {() => unknown} [before]  untimed, ahead of each call
 * @property {number} [iterations]
 */

/**
 * @typedef {object} BenchResult
 * @property {string} name
 * @property {string} size
 * @property {import('./lib/timing.js').Timing} timing
 * @property {number} perSecond
 * @property {string} unit
 */

function options() {
  const { values } = (() => {
    try {
      return parseArgs({
        options: {
          rows: { type: 'string' },
          only: { type: 'string' },
          iterations: { type: 'string' },
          'no-save': { type: 'boolean' },
        },
      });
    } catch (error) {
      return usageError(error instanceof Error ? error.message : String(error));
    }
  })();
  const groups = ['scan', 'kernels', 'knn', 'arrow', 'checkpoint'];
  const rows = values.rows === undefined ? DEFAULT_ROWS : Number(values.rows.replaceAll('_', ''));
  const iterations = values.iterations === undefined ? null : Number(values.iterations);
  if (!Number.isSafeInteger(rows) || rows < CHUNK_ROWS) {
    usageError(`--rows must be an integer of at least ${CHUNK_ROWS}`);
  }
  if (iterations !== null && !(Number.isSafeInteger(iterations) && iterations > 0)) {
    usageError('--iterations must be a positive integer');
  }
  const only = values.only?.split(',').map((s) => s.trim()) ?? null;
  const unknown = only?.filter((g) => !groups.includes(g)) ?? [];
  if (unknown.length > 0) {
    usageError(`--only: unknown group ${unknown.join(', ')}; groups: ${groups.join(', ')}`);
  }
  return { rows, only, iterations, save: values['no-save'] !== true };
}

/**
 * @param {string} message
 * @returns {never}
 */
function usageError(message) {
  process.stderr.write(
    `bench: ${message}\nusage: node bench/micro.js [--rows N] ` +
      '[--only scan,kernels,knn,arrow,checkpoint] [--iterations N] [--no-save]\n',
  );
  process.exit(2);
}

/**
 * Ingest: the quote-aware chunk planner over the whole file, one chunk's parse, and the whole
 * file parsed as one thread parses its share.
 * @param {string} path
 * @param {number} fileBytes
 * @returns {Bench[]}
 */
function ingestBenches(path, fileBytes) {
  const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
  const plan = planChunks(path, header.dataStart, header.dataLine, CHUNK_ROWS, null);
  const span = plan.chunks[0];
  if (span === undefined) throw new Error(`bench: ${path} has no data rows`);
  const warm = new ByteDict(1 << 16);
  for (const chunk of plan.chunks) parseChunk(path, chunk, true, { accounts: warm });
  const table = allocateRows(plan.rows);
  return [
    {
      name: 'scan (planChunks)',
      size: `${mib(fileBytes)} MiB, ${fmtCount(plan.rows)} rows`,
      amount: fileBytes / MIB,
      unit: 'MiB',
      fn: () => planChunks(path, header.dataStart, header.dataLine, CHUNK_ROWS, null),
    },
    {
      name: 'parse (parseChunk)',
      size: `${mib(span.end - span.start)} MiB, ${fmtCount(span.rows)} rows`,
      amount: (span.end - span.start) / MIB,
      unit: 'MiB',
      fn: () => parseChunk(path, span, true),
    },
    {
      // What a worker does after its first chunks: every account already in its dictionary.
      name: 'parse (warm thread dictionary)',
      size: `${mib(span.end - span.start)} MiB, ${fmtCount(span.rows)} rows`,
      amount: (span.end - span.start) / MIB,
      unit: 'MiB',
      fn: () => parseChunk(path, span, true, { accounts: warm, reportFrom: warm.size }),
    },
    {
      // One thread's share in the pipeline: every chunk into one dictionary sized as the
      // engine sizes a worker's, rows into one shared table. Its account lookups meet a table
      // of the whole file's accounts, which at HI-Small scale (--rows 5078345) outgrows the
      // caches; the warm case above holds 50 K.
      name: 'parse (whole file, one thread)',
      size: `${mib(fileBytes)} MiB, ${fmtCount(plan.rows)} rows`,
      amount: fileBytes / MIB,
      unit: 'MiB',
      iterations: 3,
      fn: () => {
        const dict = new ByteDict(Math.ceil(Math.min(plan.rows / 10, 1 << 22)));
        for (const chunk of plan.chunks) {
          parseChunk(path, chunk, true, { accounts: dict, reportFrom: dict.size, table });
        }
      },
    },
  ];
}

/**
 * Feature kernels over the whole file as one chunk, plus the adjacency build they need.
 * @param {string} path
 * @returns {Bench[]}
 */
function kernelBenches(path) {
  const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
  const whole = planChunks(path, header.dataStart, header.dataLine, Number.MAX_SAFE_INTEGER, null);
  const span = whole.chunks[0];
  if (span === undefined) throw new Error(`bench: ${path} has no data rows`);
  const fx = kernelFixture(path, span);
  const e = fx.edges;
  const nodes = fx.nodes.count;
  const graph = buildGraph(e, nodes);
  const nodeOut = makeMatrix(nodes, NODE_FEATURE_COUNT);
  const edgeOut = makeMatrix(e.rows, EDGE_FEATURE_COUNT);
  const list = () => new Float64Array(new SharedArrayBuffer(Math.max(1, e.rows) * 8));
  const portLists = {
    inPort: list(),
    inDelta: list(),
    outPort: list(),
    outDelta: list(),
    inFrom: 0,
    outFrom: 0,
  };
  const rowsText = `${fmtCount(e.rows)} edges`;
  const records = edgeRecords(e);
  return [
    {
      name: 'graph CSR + sort',
      size: `${rowsText}, ${fmtCount(nodes)} nodes`,
      amount: e.rows,
      unit: 'edges',
      fn: () => buildGraph(e, nodes),
    },
    {
      name: 'node features 1-21',
      size: `${fmtCount(nodes)} nodes, ${rowsText}`,
      amount: nodes,
      unit: 'nodes',
      fn: () => nodeFeatures(graph, e, fx.nodes, fx.vocab, nodeOut, 0, nodes),
    },
    {
      // As node_features runs in memory: the lists gathered from one record per edge.
      name: 'node features (records)',
      size: `${fmtCount(nodes)} nodes, ${rowsText}`,
      amount: nodes,
      unit: 'nodes',
      fn: () => nodeFeatures(graph, e, fx.nodes, fx.vocab, nodeOut, 0, nodes, records),
    },
    {
      name: 'edge features 1-16',
      size: rowsText,
      amount: e.rows,
      unit: 'edges',
      fn: () => edgeRowFeatures(e, fx.originTs, edgeOut, 0, e.rows),
    },
    {
      name: 'edge features 17-20',
      size: rowsText,
      amount: e.rows,
      unit: 'edges',
      fn: () => edgePortFeatures(graph, e, matrixPorts(edgeOut), portLists, 0, nodes),
    },
  ];
}

/**
 * SMOTE's exact neighbour search, O(m²·d): pairs per second is the figure that extrapolates.
 * @returns {Bench[]}
 */
function knnBenches() {
  const d = MODEL_SCALED.reduce((n, v) => n + v, 0);
  return KNN_SIZES.map((m) => {
    const points = new Float64Array(m * d);
    let seed = 1;
    // A fixed LCG: the same points every run, no dependency on Math.random.
    for (let i = 0; i < points.length; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      points[i] = seed / 1_073_741_824 - 1;
    }
    const out = new Int32Array(m * KNN_K);
    return {
      name: `SMOTE kNN k=${KNN_K} d=${d}`,
      size: `${fmtInt(m)} minority rows`,
      amount: m * (m - 1),
      unit: 'pairs',
      fn: () => nearestNeighbours(points, m, d, KNN_K, out, 0, m),
      iterations: m > 2_000 ? 3 : undefined,
    };
  });
}

/**
 * Arrow IPC file writes, fsync and rename included: the numeric bulk of edges.arrow, its
 * int64 columns (converted from doubles per batch), and the text columns of nodes.arrow.
 * @param {number} rows
 * @returns {Bench[]}
 */
function arrowBenches(rows) {
  const ids = Int32Array.from({ length: rows }, (_, i) => i % 100_003);
  const values = Float64Array.from({ length: rows }, (_, i) => Math.sin(i));
  const wholes = Float64Array.from({ length: rows }, (_, i) => 1_662_000_000 + i * 60);
  const nodes = Math.round(rows / 10);
  const banks = Array.from({ length: nodes }, (_, i) => String(i % 3_000).padStart(6, '0'));
  const accounts = Array.from({ length: nodes }, (_, i) => (2 ** 31 + i * 7_919).toString(16));
  const path = join(WORK_DIR, 'bench.arrow');

  /**
   * @param {string} name
   * @param {string} what
   * @param {number} n
   * @param {number} bytes
   * @param {import('../dist/src/output/arrow-columns.js').ColumnSource[]} columns
   * @returns {Bench}
   */
  const bench = (name, what, n, bytes, columns) => ({
    name,
    size: `${fmtCount(n)} × ${what}, ${mib(bytes)} MiB`,
    amount: bytes / MIB,
    unit: 'MiB',
    fn: () => writeArrowFile(path, n, columns),
    iterations: 5,
  });
  const textBytes =
    banks.reduce((n, s) => n + s.length, 0) + accounts.reduce((n, s) => n + s.length, 0);
  return [
    bench(
      'Arrow write f64/i32',
      `${ARROW_F64_COLUMNS + 2} cols`,
      rows,
      rows * (2 * 4 + ARROW_F64_COLUMNS * 8),
      [
        i32('src', ids),
        i32('dst', ids),
        ...Array.from({ length: ARROW_F64_COLUMNS }, (_, c) => f64(`f${c}`, values)),
      ],
    ),
    bench('Arrow write int64', '2 cols', rows, rows * 16, [
      i64('edge_id', wholes),
      timestamps('timestamp', wholes),
    ]),
    bench('Arrow write utf8', '2 cols', nodes, textBytes, [
      utf8('bank', banks),
      utf8('account', accounts),
    ]),
  ];
}

/**
 * Checkpoint commits: one node_features-sized chunk (the engine's biggest payload per chunk at
 * the default chunk size), a tiny one (fixed cost per commit), and a durable step record.
 * @param {CheckpointStore} store
 * @returns {Bench[]}
 */
function checkpointBenches(store) {
  /** @param {number} rows @param {number} cols */
  const arrays = (rows, cols) =>
    Object.fromEntries(
      Array.from({ length: cols }, (_, c) => [
        `c${c}`,
        Float64Array.from({ length: rows }, (_, i) => i * (c + 1)),
      ]),
    );
  const big = arrays(CHUNK_ROWS, NODE_FEATURE_COUNT);
  const small = arrays(SMALL_COMMIT_ROWS, 1);
  let index = 0;
  const bigBytes = CHUNK_ROWS * NODE_FEATURE_COUNT * 8;
  return [
    {
      name: 'ckpt recordChunk',
      size: `${fmtCount(CHUNK_ROWS)} × ${NODE_FEATURE_COUNT} f64, ${mib(bigBytes)} MiB`,
      amount: bigBytes / MIB,
      unit: 'MiB',
      fn: () => store.recordChunk('node_features', 'bench', index++, CHUNK_ROWS, null, big),
    },
    {
      name: 'ckpt recordChunk',
      size: `${fmtInt(SMALL_COMMIT_ROWS)} × 1 f64, ${(SMALL_COMMIT_ROWS * 8) / 1024} KiB`,
      amount: 1,
      unit: 'commits',
      fn: () => store.recordChunk('weights', 'bench', index++, SMALL_COMMIT_ROWS, null, small),
    },
    {
      name: 'ckpt recordStep',
      size: 'one record, durable',
      amount: 1,
      unit: 'commits',
      fn: () => store.recordStep(stepRecord(index++)),
    },
  ];
}

/**
 * @param {number} i
 * @returns {import('../dist/src/checkpoint/store.js').StepRecord}
 */
function stepRecord(i) {
  return {
    step: 'weights',
    fingerprint: `bench-${i}`,
    basis: {},
    finishedAt: new Date().toISOString(),
    durationMs: 0,
    counts: { class0: 1, class1: 1 },
    options: {},
    chunks: 0,
    checksum: 0,
  };
}

/**
 * CPU other processes took per wall second: the micro benches use one core of two, so
 * anything above a quarter core competes with them.
 * @param {ReturnType<typeof readCpuSeconds>} before
 * @param {ReturnType<typeof readCpuSeconds>} after
 * @param {number} seconds
 */
function otherCores(before, after, seconds) {
  if (before === null || after === null) return null;
  return Math.max(0, after.machineBusy - before.machineBusy - (after.self - before.self)) / seconds;
}

/** @param {number} bytes */
function mib(bytes) {
  return (bytes / MIB).toFixed(1);
}

/**
 * @param {Bench[]} benches
 * @param {number | null} iterations
 * @returns {Promise<BenchResult[]>}
 */
async function runAll(benches, iterations) {
  /** @type {BenchResult[]} */
  const results = [];
  for (const b of benches) {
    process.stderr.write(`  ${b.name} (${b.size}) …\n`);
    const timing = await time(b.fn, {
      warmup: 2,
      iterations: iterations ?? b.iterations ?? 7,
      ...(b.before === undefined ? {} : { before: b.before }),
    });
    results.push({
      name: b.name,
      size: b.size,
      timing,
      perSecond: b.amount / (timing.medianMs / 1000),
      unit: b.unit,
    });
  }
  return results;
}

/** @param {BenchResult[]} results */
function table(results) {
  const ms = (/** @type {number} */ v) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  return renderTable(
    ['hot path', 'input per call', 'median ms', 'min ms', 'max ms', 'throughput'],
    results.map((r) => [
      r.name,
      r.size,
      ms(r.timing.medianMs),
      ms(r.timing.minMs),
      ms(r.timing.maxMs),
      `${fmtThroughput(r.perSecond)} ${r.unit}/s`,
    ]),
  );
}

/** @param {number} v */
function fmtThroughput(v) {
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} M`;
  return v >= 1000 ? fmtInt(v) : v.toFixed(1);
}

async function main() {
  const opts = options();
  const machine = describeMachine();
  const command = commandLine('bench/micro.js');
  const started = new Date();
  const build = buildInfo();
  process.stderr.write(`amlprep micro benches on ${machineLine(machine)}\n`);
  const data = await ensureDataset(
    { rows: opts.rows, accounts: Math.round(opts.rows / 10), seed: 42 },
    (m) => process.stderr.write(`${m}\n`),
  );
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  const store = CheckpointStore.open(join(WORK_DIR, 'store'));

  /** @type {Record<string, () => Bench[]>} */
  const groups = {
    scan: () => ingestBenches(data.transactions, statSync(data.transactions).size),
    kernels: () => kernelBenches(data.transactions),
    knn: knnBenches,
    arrow: () => arrowBenches(opts.rows),
    checkpoint: () => checkpointBenches(store),
  };
  /** @type {BenchResult[]} */
  const results = [];
  const cpuBefore = readCpuSeconds();
  const timedFrom = performance.now();
  try {
    for (const [name, make] of Object.entries(groups)) {
      if (opts.only !== null && !opts.only.includes(name)) continue;
      results.push(...(await runAll(make(), opts.iterations)));
    }
  } finally {
    await store.close();
    rmSync(WORK_DIR, { recursive: true, force: true });
  }

  const others = otherCores(cpuBefore, readCpuSeconds(), (performance.now() - timedFrom) / 1000);
  const section = `${table(results)}\n\n${
    others === null
      ? 'Other processes: not measured.'
      : `Other processes used ${others.toFixed(2)} cores meanwhile` +
        `${others > DISTURBED_CORES ? ': **disturbed, times are inflated**' : ''}.`
  }`;
  process.stdout.write(`\n${section}\n`);
  if (opts.save) {
    const loadAtEnd = loadNow();
    const json = saveJson(machine.hostname, {
      kind: 'micro',
      command,
      startedAt: started.toISOString(),
      machine,
      loadAverageAtEnd: loadAtEnd,
      build,
      otherCores: others,
      rows: opts.rows,
      results,
    });
    const md = appendMarkdown(
      `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
        `· micro\n\nCommand: \`${command}\`\n\nMachine: ${machineLine(machine)}, ` +
        `${loadAtEnd.join(' ')} at end. Build: ${buildLine(build)}. ` +
        'One thread (the coordinator); input ' +
        `${fmtInt(opts.rows)} generated rows, seed 42.\n\n${section}\n`,
    );
    process.stderr.write(`\nsaved ${json}\nappended ${md}\n`);
  }
}

await main();
