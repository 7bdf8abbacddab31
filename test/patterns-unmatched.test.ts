import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { columnValues, readArrow } from './helpers/arrow.js';
import { runCli, STACK_LINE } from './helpers/cli.js';
import { parseCsvRecords } from './helpers/csv.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Issue "crash-proof resume", item 8: a patterns file whose rows are not in the transactions
// file is bad input. A pattern row is in the file when a transaction has its ten non-label
// fields (SPEC §12 compares them after parsing); one that is not is a bad row of the
// patterns file. With --sample the rows beyond the sample are expected not to match.

const tempDir = useTempDirs('patterns');

/** Physical lines of the bundled sample's transactions file; [0] is the header. */
const SAMPLE_LINES = readFileSync(SAMPLE.transactions, 'utf8').split('\n');

interface Inputs {
  tx: string;
  patterns: string;
  /** The two pattern rows that are not transactions of `tx`. */
  strays: [string, string];
}

/**
 * The sample's first 300 data rows (99 LI-Small rows labelled 0 on 2022/09/01, then pattern
 * rows labelled 1), and a patterns file of four rows: data row 100 (label 1), a row from
 * beyond row 300, data row 1 relabelled 1 (so only a label-0 transaction has its ten other
 * fields), and another row from beyond row 300. Its lines 3 and 8 match no transaction.
 */
function writeInputs(dir: string): Inputs {
  const tx = join(dir, 'tx.csv');
  writeFileSync(tx, `${SAMPLE_LINES.slice(0, 301).join('\n')}\n`);
  const strays: [string, string] = [SAMPLE_LINES[301]!, SAMPLE_LINES[302]!];
  const laundering = SAMPLE_LINES[100]!;
  const labelZero = SAMPLE_LINES[1]!;
  expect([laundering.at(-1), labelZero.at(-1)]).toEqual(['1', '0']);
  const patterns = join(dir, 'patterns.txt');
  writeFileSync(
    patterns,
    [
      'BEGIN LAUNDERING ATTEMPT - STACK',
      laundering,
      strays[0],
      'END LAUNDERING ATTEMPT - STACK',
      '',
      'BEGIN LAUNDERING ATTEMPT - CYCLE:  Max 2 hops',
      `${labelZero.slice(0, -1)}1`,
      strays[1],
      'END LAUNDERING ATTEMPT - CYCLE',
      '',
    ].join('\n'),
  );
  return { tx, patterns, strays };
}

interface Manifest {
  summary: { rejectedRows: number };
  load: {
    rejected: number;
    patterns: { rows: number; matchedEdges: number; unmatched: number; unmatchedLines: number[] };
  };
}

function manifestOf(out: string): Manifest {
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
}

describe('a patterns file with rows that are not in the transactions file', () => {
  it('stops at the first such row with file:line: reason and exit 2 by default', async () => {
    const dir = tempDir();
    const { tx, patterns } = writeInputs(dir);

    const result = await runCli(['run', tx, '--patterns', patterns, '--out', join(dir, 'o')]);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `amlprep: ${patterns}:3: pattern row matches no transaction in ${tx} ` +
        '(and 1 more pattern rows that match none)',
    );
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(dir, 'o', 'edges.arrow'))).toBe(false);
  });

  it('with --on-bad-row skip completes and lists the rows in rejected_rows.csv', async () => {
    const dir = tempDir();
    const { tx, patterns, strays } = writeInputs(dir);
    const out = join(dir, 'o');

    const result = await runCli([
      'run',
      tx,
      '--patterns',
      patterns,
      '--out',
      out,
      '--on-bad-row',
      'skip',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^rejected rows +2 /m);
    const reason = `pattern row matches no transaction in ${tx}`;
    expect(parseCsvRecords(readFileSync(join(out, 'rejected_rows.csv'), 'utf8'))).toEqual([
      { file: patterns, line: '3', reason, row: strays[0] },
      { file: patterns, line: '8', reason, row: strays[1] },
    ]);
    const manifest = manifestOf(out);
    expect(manifest.summary.rejectedRows).toBe(2);
    expect(manifest.load.patterns).toMatchObject({
      rows: 4,
      matchedEdges: 1,
      unmatched: 2,
      unmatchedLines: [3, 8],
    });
    // Every transaction is kept; data row 100 takes STACK, the label-0 row no typology.
    const edges = readArrow(join(out, 'edges.arrow'));
    expect(edges.numRows).toBe(300);
    const typology = columnValues(edges, 'typology');
    expect(typology[99]).toBe('STACK');
    expect(typology[0]).toBe('');
    expect(typology.filter((t) => t !== '')).toHaveLength(1);
  });
});

describe('a patterns file run against a --sample of the transactions', () => {
  it.each(['fail', 'skip'])(
    'counts the rows beyond the sample quietly, with --on-bad-row %s',
    async (policy) => {
      // The whole sample patterns file (26,652 rows, each a row of the sample) against its
      // first 300 rows: the 201 pattern rows among them match, the other 26,451 lie beyond.
      const out = tempDir();

      const result = await runCli([
        'run',
        SAMPLE.transactions,
        '--patterns',
        SAMPLE.patterns,
        '--sample',
        '300',
        '--on-bad-row',
        policy,
        '--out',
        out,
      ]);

      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/pattern row/);
      expect(existsSync(join(out, 'rejected_rows.csv'))).toBe(false);
      const manifest = manifestOf(out);
      expect(manifest.summary.rejectedRows).toBe(0);
      expect(manifest.load.patterns.matchedEdges).toBe(201);
      expect(manifest.load.patterns.unmatched).toBe(26_451);
      expect(manifest.load.patterns.unmatchedLines).toHaveLength(100);
    },
  );

  // Trial E (session 18): a patterns file of other transactions was taken without a word
  // under --sample, since rows beyond the sample are expected not to match.
  it('warns when not one pattern row matches a transaction of the sample', async () => {
    const dir = tempDir();
    const { tx, strays } = writeInputs(dir);
    const patterns = join(dir, 'other-patterns.txt');
    const block = ['BEGIN LAUNDERING ATTEMPT - STACK', ...strays, 'END LAUNDERING ATTEMPT - STACK'];
    writeFileSync(patterns, `${block.join('\n')}\n`);

    const result = await runCli([
      'run',
      tx,
      '--patterns',
      patterns,
      '--sample',
      '299',
      '--out',
      join(dir, 'out'),
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `warning: none of the 2 rows of ${patterns} matches a transaction of the first 299 rows`,
    );
  });
});
