import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runCli } from './helpers/cli.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// --sample N keeps the first N data rows; a file with fewer rows is used whole, and the run
// says so instead of silently processing less than was asked for.

const tempDir = useTempDirs('sample-option');

/** The bundled sample's header and first 300 data rows. */
function firstRows(dir: string): string {
  const lines = readFileSync(SAMPLE.transactions, 'utf8').split('\n');
  const path = join(dir, 'tx.csv');
  writeFileSync(path, `${lines.slice(0, 301).join('\n')}\n`);
  return path;
}

describe('--sample', () => {
  it('says when it asks for more rows than the file has, and uses them all', async () => {
    const dir = tempDir();
    const tx = firstRows(dir);

    const result = await runCli(['run', tx, '--out', join(dir, 'out'), '--sample', '1000']);

    expect(result.code).toBe(0);
    expect(result.stderr + result.stdout).toContain(
      `note: --sample 1,000 asks for more rows than ${tx} has; all its 300 data rows are used`,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.load.rows).toBe(300);
  });

  it('says nothing when the file has the rows it asks for', async () => {
    const dir = tempDir();
    const tx = firstRows(dir);

    const result = await runCli(['run', tx, '--out', join(dir, 'out'), '--sample', '300']);

    expect(result.code).toBe(0);
    expect(result.stderr + result.stdout).not.toContain('--sample 300 asks');
  });
});
