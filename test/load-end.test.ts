// At the end of a load's parsing every pool thread drops its dictionary of the load at once
// (at HI-Large scale each holds a few hundred MB until then), instead of at its next task.
import { afterEach, describe, expect, it } from 'vitest';

import { readHeader, TRANSACTION_COLUMNS } from '../src/ingest/header.js';
import type { ParsedChunk } from '../src/ingest/parse-chunk.js';
import { planChunks } from '../src/ingest/scan.js';
import { WorkerPool } from '../src/pool/worker-pool.js';
import { SAMPLE } from './helpers/paths.js';

const path = SAMPLE.transactions;
const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
const plan = planChunks(path, header.dataStart, header.dataLine, 3000, null);
const pools: WorkerPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function poolOf(size: number): WorkerPool {
  const pool = new WorkerPool(size);
  pools.push(pool);
  return pool;
}

/** The thread dictionaries (ids) that parsing chunks `indexes` in `session` used. */
async function dictionariesOf(pool: WorkerPool, indexes: number[], session: string) {
  const parsed = await Promise.all(
    indexes.map((i) =>
      pool.run<ParsedChunk>({
        kind: 'parse',
        path,
        span: plan.chunks[i]!,
        stopAtBadRow: true,
        session,
        table: null,
      }),
    ),
  );
  return parsed.map((c) => (c.keySpace.kind === 'worker' ? c.keySpace.worker : -1));
}

describe('the end of a load on the pool', () => {
  it('reaches each thread once', async () => {
    const pool = poolOf(2);

    const threads = await pool.endLoad();

    expect(threads).toHaveLength(2);
    expect(new Set(threads).size).toBe(2);
  });

  it('makes the next parse of the same load start a new dictionary on every thread', async () => {
    const pool = poolOf(2);
    const before = await dictionariesOf(pool, [0, 1, 2, 3], 'load-1');

    await pool.endLoad();
    const after = await dictionariesOf(pool, [4, 5, 6, 7], 'load-1');

    expect(before.every((id) => id >= 0)).toBe(true);
    expect(after.every((id) => id >= 0)).toBe(true);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
  });
});
