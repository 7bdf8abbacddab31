import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever folder vitest was started from. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The CLI launcher; it runs the compiled library in dist/ (`npm run build` first). */
export const BIN = join(REPO, 'bin', 'amlprep.js');

/** data/sample: 26,751 real AMLworld rows, the LI-Small accounts head and two Patterns files. */
export const SAMPLE = {
  transactions: join(REPO, 'data', 'sample', 'transactions.csv'),
  accounts: join(REPO, 'data', 'sample', 'accounts.csv'),
  patterns: join(REPO, 'data', 'sample', 'patterns.txt'),
} as const;

/** Data rows in data/sample/transactions.csv. */
export const SAMPLE_ROWS = 26_751;

/** Hand-broken copies of real rows; see test/fixtures/bad/README.md. */
export const BAD = join(REPO, 'test', 'fixtures', 'bad');

export function badFixture(name: string): string {
  return join(BAD, name);
}

/** `amlprep run` on the whole bundled sample into `out`, with two workers. */
export function sampleRunArgs(out: string, chunkSize = 5000): string[] {
  const { transactions, accounts, patterns } = SAMPLE;
  return ['run', transactions, '--accounts', accounts, '--patterns', patterns, '--out', out].concat(
    ['--chunk-size', String(chunkSize), '--workers', '2'],
  );
}

/**
 * Runs the engine on the hand-made `mixed` fixture (every ingest trap, both labels). Its
 * patterns file has one row that matches no transaction (bank `040` for `0040`), a bad row
 * of the patterns file, so the run skips it into rejected_rows.csv.
 */
export async function runMixedFixture(out: string): Promise<void> {
  const { run } = await import('../../src/index.js');
  const tiny = join(REPO, 'test', 'fixtures', 'tiny');
  await run({
    transactions: join(tiny, 'mixed.csv'),
    accounts: join(tiny, 'mixed-accounts.csv'),
    patterns: join(tiny, 'mixed-patterns.txt'),
    out,
    chunkSize: 4,
    workers: 1,
    onBadRow: 'skip',
  });
}

/** `run()` options for the whole bundled sample into `out`, with two workers. */
export function sampleRunOptions(out: string, chunkSize = 5000) {
  return { ...SAMPLE, out, chunkSize, workers: 2 };
}
