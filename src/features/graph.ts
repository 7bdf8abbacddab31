/**
 * Adjacency in compressed sparse row form, over SharedArrayBuffers so every worker reads the
 * same lists. Each node's out- and in-lists hold edge indices ordered by (timestamp, row): the
 * order SPEC §5 gives for ports and time deltas.
 */
export interface Csr {
  /** Node v's edges are `edges[start[v] .. start[v + 1])`. */
  start: Int32Array;
  edges: Int32Array;
}

export interface Graph {
  nodes: number;
  out: Csr;
  in: Csr;
}

/** Counting sort of edges by endpoint; rows are visited in order, so ties stay in row order. */
export function buildCsr(endpoint: Int32Array, rows: number, nodes: number): Csr {
  const csr = new CsrBuilder(endpoint, rows, nodes);
  csr.count(0, rows);
  csr.sum();
  csr.place(0, rows);
  return csr.result;
}

/**
 * `buildCsr` in passes over row ranges, for a caller that runs them in slices: `count` every
 * row, then `sum` once, then `place` every row, each pass in row order.
 */
export class CsrBuilder {
  readonly result: Csr;
  readonly #endpoint: Int32Array;
  readonly #nodes: number;
  #fill = new Int32Array(0);

  constructor(endpoint: Int32Array, rows: number, nodes: number) {
    this.#endpoint = endpoint;
    this.#nodes = nodes;
    this.result = {
      start: new Int32Array(new SharedArrayBuffer((nodes + 1) * 4)),
      edges: new Int32Array(new SharedArrayBuffer(Math.max(1, rows) * 4)),
    };
  }

  /** Pass 1: list lengths, from the edges of rows [from, to). */
  count(from: number, to: number): void {
    const { start } = this.result;
    const endpoint = this.#endpoint;
    for (let e = from; e < to; e++) start[(endpoint[e] as number) + 1]!++;
  }

  /** Lengths to list starts. */
  sum(): void {
    const { start } = this.result;
    for (let v = 0; v < this.#nodes; v++) start[v + 1]! += start[v] as number;
    this.#fill = start.slice(0, this.#nodes);
  }

  /** Pass 2: rows [from, to) into their lists. */
  place(from: number, to: number): void {
    const { edges } = this.result;
    const fill = this.#fill;
    const endpoint = this.#endpoint;
    for (let e = from; e < to; e++) {
      const v = endpoint[e] as number;
      edges[fill[v]!++] = e;
    }
  }
}

/**
 * Orders each list of nodes [from, to) by (timestamp, edge index). Lists of the real files
 * are nearly sorted already, so insertion sort handles most; long lists use a typed sort.
 */
export function sortLists(csr: Csr, ts: Float64Array, from: number, to: number): void {
  for (let v = from; v < to; v++) {
    const a = csr.start[v] as number;
    const b = csr.start[v + 1] as number;
    if (b - a < 2 || isSorted(csr.edges, ts, a, b)) continue;
    if (b - a <= 32) insertionSort(csr.edges, ts, a, b);
    else csr.edges.subarray(a, b).sort((x, y) => ts[x]! - ts[y]! || x - y);
  }
}

function isSorted(edges: Int32Array, ts: Float64Array, a: number, b: number): boolean {
  for (let i = a + 1; i < b; i++) {
    const prev = edges[i - 1] as number;
    const cur = edges[i] as number;
    if (ts[cur]! < ts[prev]!) return false;
  }
  return true;
}

function insertionSort(edges: Int32Array, ts: Float64Array, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    const e = edges[i] as number;
    const t = ts[e] as number;
    let j = i - 1;
    // Edges were filled in row order, so an equal timestamp never needs to move past another.
    while (j >= a && ts[edges[j]!]! > t) {
      edges[j + 1] = edges[j]!;
      j--;
    }
    edges[j + 1] = e;
  }
}
