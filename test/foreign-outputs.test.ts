// Fresh-user report (session 9): `run --out userdir` replaced a userdir/edges.arrow that
// amlprep had not written, while `clean --outputs` refused such a folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { run } from '../src/index.js';
import { bufferIo } from './helpers/buffer-io.js';
import { sampleRunArgs, sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('foreign-outputs');

describe('a run into a folder holding files under the output names', () => {
  it.each([[[] as string[]], [['--dry-run']]])(
    'refuses when amlprep did not write them, changing nothing %j',
    async (extra) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'edges.arrow'), 'my precious');
      writeFileSync(join(dir, 'manifest.json'), '{"mine": true}');
      const io = bufferIo();

      const code = await main([...sampleRunArgs(dir, 5000), ...extra], io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        `amlprep: ${dir}: holds edges.arrow, manifest.json that amlprep did not write (no ` +
          'checkpoint store, no manifest.json written by amlprep); choose another output ' +
          'folder or move them away\n',
      );
      expect(readFileSync(join(dir, 'edges.arrow'), 'utf8')).toBe('my precious');
    },
  );

  it('goes on when amlprep wrote them, with its checkpoints cleaned away', async () => {
    const dir = tempDir();
    await run(sampleRunOptions(dir));
    expect(await main(['clean', dir], bufferIo())).toBe(0);

    const again = await run(sampleRunOptions(dir));

    expect(again.summary.edges).toBe(26_751);
  }, 60_000);
});
