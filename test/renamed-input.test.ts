// Trial X (session 22): steps are reused by the inputs' bytes, not their paths, so a rerun on
// a renamed transactions file loaded every step and kept a manifest naming the old path, which
// a multignn export then could not open. The outputs are written again, naming the new one.
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { exportRun, run, type ProgressEvent, type RunOptions } from '../src/index.js';
import { bufferIo } from './helpers/buffer-io.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('renamed-input');

describe('a rerun on a renamed input of the same bytes', () => {
  it('loads every step but writes the outputs again, naming the path it was given', async () => {
    const dir = tempDir();
    const [before, after] = [join(dir, 'p1.csv'), join(dir, 'p2.csv')];
    copyFileSync(SAMPLE.transactions, before);
    const out = join(dir, 'out');
    await run({ transactions: before, out, chunkSize: 5000 });
    const edges = readFileSync(join(out, 'edges.arrow'));
    renameSync(before, after);
    const file = `manifest.json names ${before} as the transactions file`;
    const said = `${file}; this run was given ${after}`;
    // Trial Y: --dry-run said graph_created would be reused.
    const dry = bufferIo();
    expect(await main(['run', after, '--out', out, '--chunk-size', '5000', '--dry-run'], dry)).toBe(
      0,
    );
    expect(dry.out()).toContain(`compute (${said})`);

    const { result, events } = await runNoting({ transactions: after, out, chunkSize: 5000 });

    expect(events).toContainEqual({
      kind: 'note',
      step: null,
      message: `rewriting all outputs: ${said}`,
    });
    const how = Object.fromEntries(result.steps.map((s) => [s.step, s.how]));
    expect(how).toMatchObject({ edge_features: 'loaded', graph_created: 'computed' });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.inputs.transactions.path).toBe(after);
    expect(readFileSync(join(out, 'edges.arrow')).equals(edges)).toBe(true);
    // The export finds the raw amounts in the file the manifest names.
    await exportRun(out, 'multignn');
  }, 60_000);

  it('names every input the manifest names by another path', async () => {
    const dir = tempDir();
    const tx = join(dir, 'tx.csv');
    const [acc1, acc2, pat1, pat2] = ['acc1', 'acc2', 'pat1', 'pat2'].map((n) => join(dir, n));
    copyFileSync(SAMPLE.transactions, tx);
    copyFileSync(SAMPLE.accounts, acc1!);
    copyFileSync(SAMPLE.patterns, pat1!);
    const out = join(dir, 'out');
    await run({ transactions: tx, accounts: acc1!, patterns: pat1!, out, chunkSize: 5000 });
    renameSync(acc1!, acc2!);
    renameSync(pat1!, pat2!);

    const { events } = await runNoting({
      transactions: tx,
      accounts: acc2!,
      patterns: pat2!,
      out,
      chunkSize: 5000,
    });

    expect(events).toContainEqual({
      kind: 'note',
      step: null,
      message:
        `rewriting all outputs: manifest.json names ${acc1} as the accounts file and ${pat1} ` +
        `as the patterns file; this run was given ${acc2} and ${pat2}`,
    });
  }, 60_000);
});

/** A run, and the progress events it gave. */
async function runNoting(options: Omit<RunOptions, 'onProgress'>) {
  const events: ProgressEvent[] = [];
  const result = await run({ ...options, onProgress: (e) => events.push(e) });
  return { result, events };
}
