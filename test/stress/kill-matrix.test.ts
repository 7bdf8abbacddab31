/**
 * Kill matrix (issue: crash-proof resume). A ~300 K-row run with 2 workers is SIGKILLed at
 * seeded random moments, rerun, killed again, … until a run finishes on its own; the Arrow
 * files must then equal an uninterrupted run's byte for byte. Every chunk the store had
 * recorded at a kill must be reused by the next run, so a resume redoes at most the chunks
 * that were in flight. AMLPREP_KILLS sets the number of kills (default 30).
 */
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { generate } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { sha256Of } from '../helpers/hash.js';
import { killAt, unfinished, type Kill } from '../helpers/kill.js';
import { useSharedTempDirs } from '../helpers/temp-dir.js';

const KILLS = Number(process.env.AMLPREP_KILLS ?? 30);
const ROWS = 300_000;

/** Park–Miller: a seeded sequence of kill moments, so a failure can be replayed. */
function moments(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

describe('a run killed at random moments', () => {
  const tempDir = useSharedTempDirs('kill');
  let dir = '';
  let args: (out: string) => string[] = () => [];
  let cleanSeconds = 0;

  beforeAll(async () => {
    dir = tempDir();
    const tx = join(dir, 'tx.csv');
    await generate({
      rows: ROWS,
      accounts: 30_000,
      seed: 5,
      out: tx,
      accountsOut: join(dir, 'acc.csv'),
      patternsOut: join(dir, 'pat.txt'),
    });
    args = (out) => [
      'run',
      tx,
      '--accounts',
      join(dir, 'acc.csv'),
      '--patterns',
      join(dir, 'pat.txt'),
      '--out',
      out,
      '--chunk-size',
      '20000',
      '--workers',
      '2',
    ];
    const started = performance.now();
    const clean = await runCli(args(join(dir, 'clean')));
    expect(clean.code, clean.stderr).toBe(0);
    cleanSeconds = (performance.now() - started) / 1000;
  }, 120_000);

  it(`resumes after ${KILLS} SIGKILLs with the bytes of an uninterrupted run`, async () => {
    const next = moments(20_261_204);
    const clean = sha256Of(join(dir, 'clean'));
    let kills = 0;
    const byStep = new Map<string, number>();

    // Rounds: kill a run over and over in one folder until a run finishes on its own, then
    // compare bytes and start over in a new folder, until enough kills have landed.
    for (let round = 0; kills < KILLS && round < KILLS; round++) {
      const out = join(dir, `round-${round}`);
      // The window grows after each kill, so unchunked steps (which must finish within one
      // attempt) are eventually passed and every round ends.
      let window = cleanSeconds * 1000 * 0.5;
      for (let attempt = 0; attempt < 50; attempt++, window *= 1.5) {
        const afterMs = 150 + Math.floor(next() * window);
        const kill = await killAt(args(out), out, { afterMs });
        if (!kill.interrupted) {
          expect(kill.killed.code, kill.killed.stderr).toBe(0);
          break;
        }
        kills++;
        const at = unfinished(kill.store)?.step ?? 'before the store opened';
        byStep.set(at, (byStep.get(at) ?? 0) + 1);
        await expectRecordedChunksReused(kill, out);
      }
      expect(sha256Of(out), `round ${round}`).toEqual(clean);
    }
    // Where the kills landed; each resume reused every recorded chunk (checked above), so it
    // redid at most the chunks in flight at the kill (workers + 1 = 3).
    console.log(`kills by interrupted step: ${JSON.stringify(Object.fromEntries(byStep))}`);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
  }, 1_200_000);

  /** The next run takes every chunk the kill left recorded from the store. */
  async function expectRecordedChunksReused(kill: Kill, out: string): Promise<void> {
    const open = unfinished(kill.store);
    if (open === undefined || open.chunksDone === 0) return;
    const rerun = await killAt(args(out), out, { afterLine: new RegExp(`${open.step}: start`) });
    const line = rerun.killed.stderr.split('\n').find((l) => l.includes(`${open.step}: start`));
    if (line === undefined) return;
    const reused = Number(/(\d+) from checkpoints/.exec(line)?.[1] ?? 0);
    expect(reused, line).toBeGreaterThanOrEqual(open.chunksDone);
  }
});
