import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli } from './helpers/cli.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('patterns');

describe('a patterns file with rows that are not in the transactions file', () => {
  it('completes, warning with the count and the first lines of those rows', async () => {
    // The sample's first 300 rows (99 LI-Small rows, then HI-Medium pattern rows) against the
    // full patterns file: 26,652 pattern rows, of which the 201 included ones match.
    const dir = tempDir();
    const tx = join(dir, 'tx.csv');
    const lines = readFileSync(SAMPLE.transactions, 'utf8').split('\n');
    writeFileSync(tx, `${lines.slice(0, 301).join('\n')}\n`);

    const result = await runCli([
      'run',
      tx,
      '--patterns',
      SAMPLE.patterns,
      '--out',
      join(dir, 'o'),
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `${SAMPLE.patterns}: 26451 pattern row(s) match no transaction`,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'o', 'manifest.json'), 'utf8')) as {
      load: { patterns: { matchedEdges: number; unmatched: number } };
    };
    expect(manifest.load.patterns.matchedEdges).toBe(201);
    expect(manifest.load.patterns.unmatched).toBe(26_451);
  });
});
