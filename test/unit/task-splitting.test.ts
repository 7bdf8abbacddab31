// A task a worker could only finish in halves (src/pool/split.ts): the halves, run by the real
// kernels and joined, must give exactly the bytes the whole task gives, for every task kind.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { matrixPorts, type PortLists } from '../../src/features/edge-kernel.js';
import { edgeRecords } from '../../src/features/edge-records.js';
import { buildCsr, sortLists, type Graph } from '../../src/features/graph.js';
import { MOMENT_BLOCK } from '../../src/features/moments.js';
import { makeMatrix, type EdgeColumns, type Matrix } from '../../src/features/tables.js';
import {
  allocateRows,
  ROW_COLUMNS,
  type ParsedChunk,
  type RowColumns,
} from '../../src/ingest/parse-chunk.js';
import type { ChunkSpan } from '../../src/ingest/scan.js';
import { joinHalves, needsSecondHalf, splitTask } from '../../src/pool/split.js';
import type { KernelTask, Task } from '../../src/protocol/tasks.js';
import runTask from '../../workers/chunk-worker.js';
import { SAMPLE } from '../helpers/paths.js';
import { useSharedTempDirs } from '../helpers/temp-dir.js';
import { rng } from '../helpers/rng.js';

const tempDir = useSharedTempDirs('task-splitting');

/**
 * The task run whole, or cut `depth` times (where it can be) and joined. Results cross a
 * structured clone, as they do coming back from a worker thread (a Buffer arrives as a
 * Uint8Array; SharedArrayBuffers stay shared).
 */
function solve(task: Task, depth: number): unknown {
  const halves = depth > 0 ? splitTask(task) : null;
  if (halves === null) {
    // Every kind that splits runs synchronously; only file tasks are asynchronous.
    const reply = runTask(task as KernelTask);
    if (!reply.ok) throw new Error(reply.error.message);
    return structuredClone(reply.value);
  }
  const first = solve(halves[0], depth - 1);
  const second = needsSecondHalf(task, first) ? solve(halves[1], depth - 1) : null;
  return joinHalves(task, first, second);
}

/** Every typed array replaced by its type, kind of buffer and exact bytes. */
function bytesOf(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    return {
      type: value.constructor.name,
      shared: value.buffer instanceof SharedArrayBuffer,
      hex: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex'),
    };
  }
  if (Array.isArray(value)) return value.map(bytesOf);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bytesOf(v)]));
  }
  return value;
}

function shared<T extends Float64Array | Int32Array | Uint8Array>(
  make: new (b: SharedArrayBuffer) => T,
  bytes: number,
  values: ArrayLike<number>,
): T {
  const out = new make(new SharedArrayBuffer(Math.max(1, values.length) * bytes));
  out.set(values);
  return out;
}

// A small random graph: 400 edges over 60 nodes, timestamps with ties, parallel edges.
const EDGES = 400;
const NODES = 60;
const D0 = Date.UTC(2022, 8, 1) / 1000;

function edgeColumns(): EdgeColumns {
  const next = rng(7);
  const int = (n: number) => Array.from({ length: EDGES }, () => Math.floor(next() * n));
  const f64 = (xs: number[]) => shared(Float64Array, 8, xs);
  const i32 = (xs: number[]) => shared(Int32Array, 4, xs);
  return {
    rows: EDGES,
    ts: f64(int(40).map((h) => D0 + h * 5400)),
    amountPaid: f64(int(10_000).map((x) => x / 7)),
    amountReceived: f64(int(10_000).map((x) => x / 3)),
    src: i32(int(NODES)),
    dst: i32(int(NODES)),
    paymentCurrency: i32(int(4)),
    receivingCurrency: i32(int(4)),
    format: i32(int(3)),
    bank: i32(int(5)),
    label: shared(Uint8Array, 1, int(2)),
  };
}

const E = edgeColumns();

function graph(sorted: boolean): Graph {
  const g = {
    nodes: NODES,
    out: buildCsr(E.src, E.rows, NODES),
    in: buildCsr(E.dst, E.rows, NODES),
  };
  if (sorted) {
    sortLists(g.out, E.ts, 0, NODES);
    sortLists(g.in, E.ts, 0, NODES);
  }
  return g;
}

function filled(rows: number, cols: number, seed: number): Matrix {
  const next = rng(seed);
  const m = makeMatrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = (next() - 0.3) * 1e6;
  return m;
}

function portLists(): PortLists {
  const f64 = () => new Float64Array(new SharedArrayBuffer(EDGES * 8));
  return { inPort: f64(), inDelta: f64(), outPort: f64(), outDelta: f64(), inFrom: 0, outFrom: 0 };
}

/** Neighbour search input: 90 points of 4 coordinates, row-major. */
const POINTS = filled(90, 4, 13).data;

/**
 * One case per range kind: a fresh task (with fresh output arrays) each call, and the arrays
 * it writes. The inputs are shared between calls, so whole and halves read the same data.
 */
const RANGE_CASES: Record<string, () => { task: Task; written: () => unknown }> = {
  'sort-lists': () => {
    const g = graph(false);
    return {
      task: { kind: 'sort-lists', graph: g, ts: E.ts, from: 3, to: NODES },
      written: () => [g.out.edges, g.in.edges],
    };
  },
  'node-features': () => {
    const out = makeMatrix(NODES, 21);
    const nodes = {
      count: NODES,
      bankText: shared(
        Int32Array,
        4,
        Array.from({ length: NODES }, (_, v) => v % 5),
      ),
      entityType: shared(
        Int32Array,
        4,
        Array.from({ length: NODES }, (_, v) => (v % 4) - 1),
      ),
    };
    const vocab = { currencies: 4, bankTexts: 5, bitcoin: 0 };
    const task: Task = {
      kind: 'node-features',
      graph: graph(true),
      edges: E,
      records: edgeRecords(E),
      nodes,
      vocab,
      out,
      from: 0,
      to: NODES,
    };
    return { task, written: () => out.data };
  },
  'edge-rows': () => {
    const out = makeMatrix(EDGES, 20);
    return {
      task: { kind: 'edge-rows', edges: E, originTs: D0, out, from: 5, to: EDGES - 7 },
      written: () => out.data,
    };
  },
  'edge-ports': () => {
    const out = makeMatrix(EDGES, 20);
    const lists = portLists();
    return {
      task: {
        kind: 'edge-ports',
        graph: graph(true),
        edges: E,
        ports: matrixPorts(out),
        lists,
        from: 0,
        to: NODES,
      },
      written: () => [out.data, lists],
    };
  },
  knn: () => {
    const out = new Int32Array(new SharedArrayBuffer(90 * 3 * 4));
    return {
      task: { kind: 'knn', points: POINTS, m: 90, d: 4, k: 3, out, from: 0, to: 90 },
      written: () => out,
    };
  },
};

describe('range tasks', () => {
  it('are cut at their middle item, keeping everything else', () => {
    const { task } = RANGE_CASES['edge-rows']!();
    const halves = splitTask(task) as [Task, Task];

    expect(halves.map((t) => (t as { from: number; to: number }).from)).toEqual([5, 199]);
    expect(halves.map((t) => (t as { from: number; to: number }).to)).toEqual([199, 393]);
    expect(halves[1]).toMatchObject({ kind: 'edge-rows', originTs: D0, edges: E });
  });

  it('of one item cannot be cut', () => {
    const { task } = RANGE_CASES.knn!();

    expect(splitTask({ ...task, from: 9, to: 10 } as Task)).toBeNull();
  });

  it('building an adjacency is not cut: it runs whole, its arrays outside the heap', () => {
    const task: Task = { kind: 'build-csr', endpoint: E.src, rows: EDGES, nodes: NODES };

    expect(splitTask(task)).toBeNull();
  });

  it.each(Object.keys(RANGE_CASES))(
    '%s: joined halves write what the whole task writes',
    (kind) => {
      const whole = RANGE_CASES[kind]!();
      solve(whole.task, 0);

      for (const depth of [1, 3]) {
        const cut = RANGE_CASES[kind]!();
        expect(solve(cut.task, depth)).toBeNull();
        expect(bytesOf(cut.written())).toEqual(bytesOf(whole.written()));
      }
    },
  );
});

describe('moment tasks', () => {
  const rows = 3 * MOMENT_BLOCK + 100;
  const m = filled(rows, 2, 23);
  const keep = shared(
    Uint8Array,
    1,
    Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? 0 : 1)),
  );
  const mean = shared(Float64Array, 8, [1234.5, -99]);
  const sums: Task = { kind: 'block-sums', m, cols: [1, 0], keep, from: 0, to: rows };
  const squares: Task = { ...sums, kind: 'block-squares', mean };

  type Moments = Extract<Task, { kind: 'block-sums' }>;
  const bounds = (tasks: Task[] | null) =>
    tasks?.map((t) => [(t as Moments).from, (t as Moments).to]);

  it('are cut on a moment block boundary', () => {
    const halves = splitTask(sums);

    // Four blocks (the last one partial): two and two, over the same matrix and selection.
    expect(bounds(halves)).toEqual([
      [0, 2 * MOMENT_BLOCK],
      [2 * MOMENT_BLOCK, rows],
    ]);
    expect(halves?.every((t) => (t as Moments).m === m && (t as Moments).keep === keep)).toBe(true);
    // Two blocks, the second of one row.
    expect(bounds(splitTask({ ...squares, from: MOMENT_BLOCK, to: 2 * MOMENT_BLOCK + 1 }))).toEqual(
      [
        [MOMENT_BLOCK, 2 * MOMENT_BLOCK],
        [2 * MOMENT_BLOCK, 2 * MOMENT_BLOCK + 1],
      ],
    );
  });

  it('of one block cannot be cut', () => {
    expect(splitTask({ ...sums, from: MOMENT_BLOCK, to: 2 * MOMENT_BLOCK })).toBeNull();
    expect(splitTask({ ...squares, from: 0, to: 17 })).toBeNull();
  });

  it.each([
    ['block-sums', sums],
    ['block-squares', squares],
  ])('%s: joined halves are the bits of the whole', (_, task) => {
    const whole = bytesOf(solve(task, 0));

    expect(bytesOf(solve(task, 1))).toEqual(whole);
    expect(bytesOf(solve(task, 2))).toEqual(whole);
  });
});

const HEADER =
  'Timestamp,From Bank,Account,To Bank,Account,Amount Received,' +
  'Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering';

function parseTask(path: string, span: ChunkSpan, stopAtBadRow: boolean): Task {
  return { kind: 'parse', path, span, stopAtBadRow, session: null, table: null };
}

/** A span over every data record of a file whose header is one line. */
function wholeSpan(path: string, rows: number): ChunkSpan {
  const text = readFileSync(path);
  const start = text.indexOf('\n') + 1;
  return { index: 0, start, end: text.length, firstLine: 2, firstRow: 0, rows };
}

describe('parse tasks', () => {
  const sampleText = readFileSync(SAMPLE.transactions, 'latin1');
  // The sample has no quotes and no blank lines: every line after the header is a record.
  const sampleLines = sampleText.split('\n');
  const sampleRows = sampleLines.length - 2;

  it('are cut after the middle record, with its line, row and byte offset', () => {
    const span = wholeSpan(SAMPLE.transactions, sampleRows);
    const halves = splitTask(parseTask(SAMPLE.transactions, span, true)) as Task[];

    const half = Math.floor(sampleRows / 2);
    // Byte offset of the line holding data record `half` (0-based), counted independently.
    const offset = sampleLines.slice(0, half + 1).reduce((n, l) => n + l.length + 1, 0);
    expect(halves.map((t) => (t as { span: ChunkSpan }).span)).toEqual([
      { ...span, end: offset, rows: half },
      { ...span, start: offset, firstLine: half + 2, firstRow: half, rows: sampleRows - half },
    ]);
  });

  it('of the sample join into exactly the whole parse', () => {
    const task = parseTask(SAMPLE.transactions, wholeSpan(SAMPLE.transactions, sampleRows), true);
    const whole = bytesOf(solve(task, 0));

    for (const depth of [1, 4]) expect(bytesOf(solve(task, depth))).toEqual(whole);
  });

  // Quoted fields with line breaks, commas and doubled quotes; blank lines; CRLF; bad rows;
  // accounts, currencies and formats that first appear in either half.
  const trapRows = [
    '2022/09/01 00:05,0010,100A,0020,200B,500.00,US Dollar,500.00,US Dollar,ACH,0',
    '2022/09/01 08:30,0020,"200,B",0020,200B,75.25,Euro,75.25,US Dollar,"Wire\r\nTransfer",1',
    '',
    '2022/09/01 09:30,0020,200B,0030,300C,7.25,Euro,7.25,Euro,"Che""que",0',
    '2022/09/01 13:45,0030,300C,0040,400D,1200.00,Euro,1300.00,US Dollar,Wire,2',
    '2022/09/02 02:00,0010,100A,0050,500E,250.00,Yuan,250.00,Bitcoin,ACH,0',
    '',
    '',
    '2022/09/02 09:15,0050,500E,0030,300C,980.00,Euro,980.00,Euro,Wire,1',
    '2022/09/13 09:15,0020,200B,0010,100A,60.00,US Dollar,60.00,US Dollar,Cheque,0',
    '2022/09/03 01:30,0060,"600,F",0040,400D,2000.00,Rupee,2000.00,US Dollar,Cash,1',
    'not a row',
    '2022/09/03 11:00,0010,100A,0060,"600,F",12.00,US Dollar,12.00,Yuan,"Credit\nCard",0',
    '2022/09/03 20:20,0070,700G,0020,200B,330.00,Yuan,330.00,Yuan,Wire,0',
  ];
  const trapRecords = trapRows.filter((r) => r !== '').length;
  const trapPath = (): string => {
    const path = join(tempDir(), 'traps.csv');
    writeFileSync(path, [HEADER, ...trapRows].join('\r\n'));
    return path;
  };

  it.each([false, true])(
    'with quotes, blank lines and bad rows join into the whole parse (stop at bad row: %s)',
    (stop) => {
      const path = trapPath();
      const task = parseTask(path, wholeSpan(path, trapRecords), stop);
      const whole = solve(task, 0) as { rejects: unknown[] };
      expect(whole.rejects.length).toBeGreaterThan(0);

      for (const depth of [1, 2, 5]) expect(bytesOf(solve(task, depth))).toEqual(bytesOf(whole));
    },
  );

  it.each([1, 2, 5])(
    "parsed into the load's table, join their rows where the whole parse puts them (depth %i)",
    (depth) => {
      // The rows land at the span's first row; rejected rows in a first half leave a gap
      // that the join closes by moving the second half's rows up.
      const path = trapPath();
      const span = { ...wholeSpan(path, trapRecords), firstRow: 3 };
      const own = solve(parseTask(path, span, false), 0) as ParsedChunk;
      const table = allocateRows(3 + trapRecords);
      const task = { ...parseTask(path, span, false), table } as Task;
      const joined = solve(task, depth) as ParsedChunk;

      const rows = (c: RowColumns, at: number, n: number) =>
        ROW_COLUMNS.map((name) => Array.from(c[name].subarray(at, at + n)));
      expect(own.rows).toBeLessThan(trapRecords);
      expect(joined.rows).toBe(own.rows);
      expect(rows(table, 3, own.rows)).toEqual(rows(own, 0, own.rows));
      expect(rows(joined, 0, own.rows)).toEqual(rows(own, 0, own.rows));
      const rest = ({ rows: n, rejects, currencies, formats, accountKeys }: ParsedChunk) => ({
        n,
        rejects,
        currencies,
        formats,
        keys: Buffer.from(accountKeys).toString('latin1'),
      });
      expect(rest(joined)).toEqual(rest(own));
    },
  );

  it('stopping at a bad row in the first half do not need the second', () => {
    const path = trapPath();
    const task = parseTask(path, wholeSpan(path, trapRecords), true);
    const [first] = splitTask(task) as [Task, Task];

    const firstResult = solve(first, 0);

    expect(needsSecondHalf(task, firstResult)).toBe(false);
    expect(bytesOf(joinHalves(task, firstResult, null))).toEqual(bytesOf(solve(task, 0)));
  });

  it('of one record cannot be cut', () => {
    const path = trapPath();
    const span = { ...wholeSpan(path, trapRecords), rows: 1 };

    expect(splitTask(parseTask(path, span, false))).toBeNull();
  });
});
