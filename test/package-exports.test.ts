// Trial W (session 22): the package exported names the README did not mention, among them two
// internal helpers of the worker boundary (toWireError, fromWireError). Each value the package
// exports is named in the README, and nothing else is exported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as amlprep from '../src/index.js';
import { REPO } from './helpers/paths.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

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
});
