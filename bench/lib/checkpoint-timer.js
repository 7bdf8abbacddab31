// @ts-check
/**
 * Times the checkpoint store from outside the engine, which exposes no commit timing. The
 * store's methods are wrapped on the prototype of the very class run() uses (same dist module,
 * so the same class object); nothing in the engine changes.
 *
 * For each call three things are kept:
 * - sync: time until the call returns its promise. For recordChunk that is encoding the
 *   payload and its CRC on the coordinator thread, which blocks every other lane.
 * - pending: until the promise settles, i.e. until LMDB's commit is visible (recordChunk)
 *   or flushed to disk (recordStep).
 * - the interval itself, so overlapping commits of parallel lanes are counted once.
 */

/**
 * @typedef {object} CommitCall
 * @property {string} method
 * @property {number} start   ms, performance.now()
 * @property {number} end
 * @property {number} syncMs
 * @property {number} bytes   payload bytes (recordChunk only)
 */

/**
 * @typedef {object} CommitStats
 * @property {number} calls
 * @property {number} chunkCommits
 * @property {number} payloadBytes
 * @property {number} syncSeconds     summed coordinator time
 * @property {number} pendingSeconds  summed latency of every call
 * @property {number} busySeconds     wall time with at least one call pending
 */

/** Methods that write; the step is their first argument, or `record.step` for recordStep. */
const WRITERS = ['recordChunk', 'recordStep', 'dropStaleChunks', 'clearAll', 'dropSteps'];

/**
 * @param {{ prototype: object }} storeClass  CheckpointStore from dist/src/checkpoint/store.js
 * @returns {{ byStep: () => Map<string, CommitStats>, restore: () => void }}
 */
export function timeCheckpoints(storeClass) {
  /** @type {Map<string, CommitCall[]>} */
  const calls = new Map();
  const proto = /** @type {Record<string, unknown>} */ (storeClass.prototype);
  /** @type {[string, unknown][]} */
  const originals = [];

  for (const method of WRITERS) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    originals.push([method, original]);
    proto[method] = wrap(method, original, calls);
  }
  if (!originals.some(([m]) => m === 'recordChunk')) {
    throw new Error('bench: CheckpointStore.recordChunk not found; the store API changed');
  }

  return {
    byStep: () => new Map([...calls].map(([step, list]) => [step, summarize(list)])),
    restore: () => {
      for (const [method, original] of originals) proto[method] = original;
    },
  };
}

/**
 * @param {string} method
 * @param {Function} original
 * @param {Map<string, CommitCall[]>} calls
 * @returns {(...args: unknown[]) => Promise<unknown>}
 */
function wrap(method, original, calls) {
  /**
   * @this {unknown}
   * @param {unknown[]} args
   */
  return async function timed(...args) {
    const start = performance.now();
    const pending = /** @type {Promise<unknown>} */ (original.apply(this, args));
    const syncMs = performance.now() - start;
    try {
      return await pending;
    } finally {
      const step = stepOf(method, args);
      const list = calls.get(step) ?? [];
      list.push({ method, start, end: performance.now(), syncMs, bytes: payloadBytes(args) });
      calls.set(step, list);
    }
  };
}

/**
 * @param {string} method
 * @param {unknown[]} args
 */
function stepOf(method, args) {
  if (method === 'clearAll' || method === 'dropSteps') return 'setup';
  const first = args[0];
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && 'step' in first) return String(first.step);
  return 'unknown';
}

/**
 * Bytes of the typed arrays handed to recordChunk (its 6th argument); the msgpack header is
 * small and left out.
 * @param {unknown[]} args
 */
function payloadBytes(args) {
  const arrays = args[5];
  if (typeof arrays !== 'object' || arrays === null) return 0;
  let bytes = 0;
  for (const a of Object.values(arrays)) if (ArrayBuffer.isView(a)) bytes += a.byteLength;
  return bytes;
}

/**
 * @param {CommitCall[]} list
 * @returns {CommitStats}
 */
function summarize(list) {
  const chunks = list.filter((c) => c.method === 'recordChunk');
  return {
    calls: list.length,
    chunkCommits: chunks.length,
    payloadBytes: chunks.reduce((n, c) => n + c.bytes, 0),
    syncSeconds: list.reduce((n, c) => n + c.syncMs, 0) / 1000,
    pendingSeconds: list.reduce((n, c) => n + (c.end - c.start), 0) / 1000,
    busySeconds: unionMs(list) / 1000,
  };
}

/** @param {CommitCall[]} list */
function unionMs(list) {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const c of sorted) {
    if (c.start > to) {
      if (to > from) total += to - from;
      from = c.start;
      to = c.end;
    } else if (c.end > to) {
      to = c.end;
    }
  }
  if (to > from) total += to - from;
  return total;
}

/**
 * For the ablation run: chunk results are not written at all (no encoding, no LMDB
 * transaction), so step time without checkpoints can be compared with a normal run. Step
 * records are still written; the output folder of such a run cannot be resumed from.
 * @param {{ prototype: object }} storeClass
 * @returns {() => void}  puts the real method back
 */
export function skipChunkCommits(storeClass) {
  const proto = /** @type {Record<string, unknown>} */ (storeClass.prototype);
  const original = proto.recordChunk;
  proto.recordChunk = async (
    /** @type {string} */ _step,
    /** @type {string} */ _fingerprint,
    /** @type {number} */ _index,
    /** @type {number} */ rows,
  ) => ({ checksum: 0, bytes: 0, rows, finishedAt: new Date().toISOString() });
  return () => {
    proto.recordChunk = original;
  };
}
