// Trial W (session 22): the package exported names the README did not mention, among them two
// internal helpers of the worker boundary (toWireError, fromWireError). Each value the package
// exports is named in the README, and nothing else is exported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as amlprep from '../src/index.js';
import { REPO, SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const tempDir = useTempDirs('package-exports');

describe('the package exports', () => {
  it('the functions, error classes and tables the README documents, and nothing else', () => {
    expect(Object.keys(amlprep).sort()).toEqual(
      [
        'AbortedError',
        'AmlprepError',
        'BadRowError',
        'CheckpointError',
        'DEFAULTS',
        'EDGE_FEATURES',
        'EXPORT_FORMATS',
        'InputChangedError',
        'InputError',
        'LockedError',
        'MODEL_COLUMNS',
        'MissingClassError',
        'NODE_FEATURES',
        'OUTPUT_FILES',
        'OptionError',
        'OutputError',
        'STEPS',
        'UsageError',
        'UnreadableOutputError',
        'WorkerError',
        'clean',
        'exportRun',
        'generate',
        'inspectRun',
        'readManifest',
        'readOutputs',
        'run',
        'status',
      ].sort(),
    );
  });

  it.each(Object.keys(amlprep))('names %s in the README', (name) => {
    expect(README).toContain(`\`${name}`);
  });

  // Trial DD (session 24): DEFAULTS was frozen, the other constants were not, and the library
  // read a caller's changes (OUTPUT_FILES.nodes renamed wrote evil.arrow, STEPS reversed
  // reversed status).
  it('as constants frozen all the way down', () => {
    const thawed: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (typeof value !== 'object' || value === null) return;
      if (!Object.isFrozen(value)) thawed.push(path);
      for (const [key, inner] of Object.entries(value)) visit(inner, `${path}.${key}`);
    };
    for (const [name, value] of Object.entries(amlprep)) {
      if (typeof value !== 'function') visit(value, name);
    }

    expect(thawed).toEqual([]);
    expect(() => (amlprep.STEPS as unknown as string[]).reverse()).toThrow(TypeError);
  });

  it('with DEFAULTS a valid run() argument, split included', async () => {
    const out = tempDir();

    const result = await amlprep.run({
      ...amlprep.DEFAULTS,
      transactions: SAMPLE.transactions,
      out,
      chunkSize: 5000,
    });

    expect(result.summary.splits.train[0] + result.summary.splits.train[1]).toBeGreaterThan(0);
  });
});
