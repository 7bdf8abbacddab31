import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run, type ProgressEvent, type StepName } from '../src/index.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Trial K (session 19): an output folder deleted while a run wrote it ended with exit 0 and
// outputs in an unlinked folder, or with "cannot write …/x.arrow (ENOENT)". The run now says
// the folder went away.

const tempDir = useTempDirs('output-folder-removed');

/** Runs the sample into a fresh folder, calling `act` on it as `step` starts. */
async function runRemovingAt(step: StepName, act: (out: string) => void): Promise<unknown> {
  const out = join(tempDir(), 'out');
  const onProgress = (event: ProgressEvent): void => {
    if (event.kind === 'step-start' && event.step === step) act(out);
  };
  return run({ ...sampleRunOptions(out), onProgress }).then(
    () => null,
    (error: unknown) => error,
  );
}

const remove = (out: string): void => rmSync(out, { recursive: true, force: true });

describe('an output folder removed while the run writes it', () => {
  it.each<StepName>(['node_features', 'normalized', 'graph_created'])(
    'is named as removed when it goes as %s starts',
    async (step) => {
      const error = await runRemovingAt(step, remove);

      expect(error).toMatchObject({ code: 'ERR_AMLPREP_OUTPUT' });
      expect((error as Error).message).toMatch(
        /^the output folder .*out was removed while the run wrote it; .* run again/,
      );
    },
  );

  // Trial O (session 20): the run went on writing into the folder (or the link's target)
  // now at its path, replacing the files there, or failed with ENOTDIR as an internal error.
  it.each<StepName>(['weights', 'graph_created'])(
    'writes nothing into a folder made at its path as %s starts',
    async (step) => {
      let theirs = '';
      const error = await runRemovingAt(step, (out) => {
        remove(out);
        mkdirSync(out);
        theirs = out;
        writeFileSync(join(out, 'nodes.arrow'), 'theirs');
      });

      expect((error as Error).message).toMatch(/out was replaced while the run wrote it/);
      expect(readdirSync(theirs)).toEqual(['nodes.arrow']);
      expect(readFileSync(join(theirs, 'nodes.arrow'), 'utf8')).toBe('theirs');
    },
  );

  it('writes nothing through a link made at its path', async () => {
    const elsewhere = tempDir();
    const error = await runRemovingAt('graph_created', (out) => {
      remove(out);
      symlinkSync(elsewhere, out);
    });

    expect((error as Error).message).toMatch(/out was replaced while the run wrote it/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('is named as replaced when a file takes its path', async () => {
    const error = await runRemovingAt('edge_features', (out) => {
      remove(out);
      writeFileSync(out, 'a file');
    });

    expect(error).toMatchObject({ code: 'ERR_AMLPREP_OUTPUT' });
    expect((error as Error).message).toMatch(/out was replaced while the run wrote it/);
  });

  it('leaves a run that completes before anything is removed as it was', async () => {
    const out = join(tempDir(), 'out');
    await run(sampleRunOptions(out));
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });
});
