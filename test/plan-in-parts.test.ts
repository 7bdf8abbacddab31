// A transactions file over a megabyte is planned in byte ranges by the pool's threads and the
// coordinator (src/steps/chunk-plan.ts); `--sample` plans on one thread (planChunks). Both
// must cut the same chunks, so runs of the same rows must give the same bytes and the same
// reports, whatever the file's line breaks look like. A quoted field, which may hide a line
// break from a range that starts inside it, sends the run back to one thread.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run } from '../src/index.js';
import { sha256Of } from './helpers/hash.js';
import { SAMPLE, SAMPLE_ROWS } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('plan-in-parts');

const lines = readFileSync(SAMPLE.transactions, 'utf8').trimEnd().split('\n');

/** The sample's rows written with `join` between lines, blank lines every `blankEvery`. */
function variant(dir: string, eol: string, blankEvery: number, edit?: (l: string[]) => void) {
  const copy = [...lines];
  edit?.(copy);
  const out: string[] = [];
  copy.forEach((line, i) => {
    out.push(line);
    if (i > 0 && i % blankEvery === 0) out.push('');
  });
  const path = join(dir, 'tx.csv');
  writeFileSync(path, out.join(eol) + eol);
  return path;
}

/** `patterns` off: a `--sample` run does not report pattern rows left unmatched. */
async function runBoth(transactions: string, chunkSize: number, patterns = true) {
  const common = {
    transactions,
    accounts: SAMPLE.accounts,
    patterns: patterns ? SAMPLE.patterns : undefined,
    chunkSize,
    workers: 2,
    onBadRow: 'skip' as const,
  };
  const parts = await run({ ...common, out: tempDir() });
  const oneThread = await run({ ...common, out: tempDir(), sample: 10 * SAMPLE_ROWS });
  return { parts, oneThread };
}

describe('a transactions file planned in parts', () => {
  it.each([
    ['LF lines', '\n', 1_000_000],
    ['CRLF lines with blank lines', '\r\n', 997],
    ['LF lines with a blank line every 13', '\n', 13],
  ])(
    'gives the bytes of a one-thread plan: %s',
    async (_, eol, blankEvery) => {
      const path = variant(tempDir(), eol, blankEvery);

      const { parts, oneThread } = await runBoth(path, 3001);

      expect(parts.summary.edges).toBe(SAMPLE_ROWS);
      expect(sha256Of(parts.out)).toEqual(sha256Of(oneThread.out));
    },
    60_000,
  );

  it('falls back to one thread for a quoted field holding a line break', async () => {
    // An account number quoted across two lines (RFC 4180 allows it): one record, which a
    // range starting inside the quotes would take for two bad rows.
    const path = variant(tempDir(), '\n', 1_000_000, (l) => {
      l[5000] = l[5000]!.replace(/^([^,]*,[^,]*),([^,]*),/, '$1,"$2\nsplit",');
    });

    // Chunks of 2,500 rows: a range-by-range count would end a chunk inside the quotes.
    const { parts, oneThread } = await runBoth(path, 2500, false);

    expect(parts.summary.rejectedRows).toBe(0);
    expect(parts.summary.edges).toBe(SAMPLE_ROWS);
    expect(sha256Of(parts.out)).toEqual(sha256Of(oneThread.out));
  }, 60_000);
});
