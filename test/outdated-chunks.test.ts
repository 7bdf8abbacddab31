// A run stopped part way through a step leaves chunk records and no step record. When the
// input changes before the rerun, those chunks cannot serve; the rerun says so and why,
// where before it recomputed them without a word.
import { appendFileSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run, status, type ProgressEvent } from '../src/index.js';
import { sampleRunOptions, SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('outdated-chunks');

/** The sample's transactions copied, and a run on it stopped after three parsed chunks. */
async function stoppedLoad(): Promise<{ out: string; transactions: string }> {
  const transactions = join(tempDir(), 'transactions.csv');
  copyFileSync(SAMPLE.transactions, transactions);
  const out = tempDir();
  const controller = new AbortController();
  await run({
    ...sampleRunOptions(out, 1000),
    transactions,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.kind === 'chunk-done' && e.step === 'data_loaded' && e.done === 3) controller.abort();
    },
  }).catch(() => undefined);
  return { out, transactions };
}

async function rerun(out: string, transactions: string): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  await run({
    ...sampleRunOptions(out, 1000),
    transactions,
    onProgress: (e) => void events.push(e),
  });
  return events;
}

const notes = (events: ProgressEvent[]) =>
  events.flatMap((e) => (e.kind === 'note' ? [e.message] : []));

describe('chunks of an unfinished step after its input changed', () => {
  it('are named in a note with what changed, and recomputed', async () => {
    const { out, transactions } = await stoppedLoad();
    // The file's last row once more: its size changes, so its fingerprint does.
    const lines = readFileSync(transactions, 'utf8').trimEnd().split('\n');
    appendFileSync(transactions, `${lines[lines.length - 1]}\n`);

    const events = await rerun(out, transactions);

    const said = notes(events).filter((n) => n.startsWith('data_loaded:'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      new RegExp(
        '^data_loaded: the (\\d+) chunks an unfinished run recorded are out of date \\(the ' +
          'transactions file changed \\(size [\\d,]+ → [\\d,]+ bytes\\)\\); recomputing it$',
      ),
    );
    expect(Number(/the (\d+) chunks/.exec(said[0]!)![1])).toBeGreaterThanOrEqual(3);
    const start = events.find((e) => e.kind === 'step-start' && e.step === 'data_loaded');
    expect(start).toMatchObject({ reused: 0 });
  }, 60_000);

  it('are reused without a note when nothing changed', async () => {
    const { out, transactions } = await stoppedLoad();

    const events = await rerun(out, transactions);

    expect(notes(events).filter((n) => n.includes('out of date'))).toEqual([]);
    const start = events.find((e) => e.kind === 'step-start' && e.step === 'data_loaded');
    expect((start as { reused: number }).reused).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('are dropped when the step starts again: status counts the latest attempt', async () => {
    // Second trial of session 14: each stopped attempt added its chunks to the last one's,
    // and status said "80 of 40 chunks recorded".
    const { out, transactions } = await stoppedLoad();
    const lines = readFileSync(transactions, 'utf8').trimEnd().split('\n');
    appendFileSync(transactions, `${lines[lines.length - 1]}\n`);
    const controller = new AbortController();
    let computed = 0;
    await run({
      ...sampleRunOptions(out, 1000),
      transactions,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind !== 'chunk-done' || e.step !== 'data_loaded') return;
        computed = e.done;
        if (e.done === 3) controller.abort();
      },
    }).catch(() => undefined);

    const load = (await status(out)).find((s) => s.step === 'data_loaded')!;

    expect(load.record).toBeNull();
    expect(load.chunksDone).toBe(computed);
  }, 60_000);
});
