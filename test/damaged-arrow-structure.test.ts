import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { REPO, runMixedFixture } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Trial M (session 19): four bytes changed in a record batch's header made Arrow JS's file
// reader read the same footer block again and again (it moves on only past a record batch),
// at full CPU and deaf to SIGINT and SIGTERM, in inspect and export. A sweep of such changes
// found more: vector lengths of a billion made Arrow JS build a billion objects (the process
// died out of memory), and a row count with whole buffers had the readers walk a billion rows.
// Every flatbuffer is now checked before Arrow JS decodes it, and every batch's columns
// against its row count. Trial N: a changed column type or null count made export refuse the
// file without naming it (`column "day_cos_z" holds 210 nulls`); such refusals now go through
// the SHA-256 check that names the changed file.

const tempDir = useTempDirs('damaged-arrow-structure');

/** Two patterns that make large lengths and offsets wherever they land. */
const PATTERNS = ['ffffffff', '37a2915c'];

interface Sweep {
  cases: number;
  outcomes: Record<string, number>;
  odd: string[];
}

/**
 * Runs test/helpers/damage-sweep.mjs in a process of its own, with a 256 MB heap and killed
 * after `seconds`: a damage that loops or runs out of memory ends that process, not vitest.
 */
function sweep(finished: string, work: string, seconds: number): Promise<Sweep | string> {
  const script = join(REPO, 'test', 'helpers', 'damage-sweep.mjs');
  const lib = join(REPO, 'dist', 'src', 'index.js');
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=256', script, lib, finished, work, ...PATTERNS],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(stdout) as Sweep);
      else resolve(`exit ${code ?? signal}: ${stderr.slice(-2000)}`);
    });
  });
}

describe('output files with bytes changed in their structure', () => {
  it(
    'are read or refused as damaged wherever the change lands, never loop or exhaust memory',
    {
      timeout: 400_000,
    },
    async () => {
      const finished = tempDir();
      await runMixedFixture(finished);

      const result = await sweep(finished, tempDir(), 360);

      expect(typeof result === 'string' ? result : 'ended').toBe('ended');
      const { cases, outcomes, odd } = result as Sweep;
      expect(odd).toEqual([]);
      // Every place in every file was changed: some changes leave a readable file (values,
      // padding), the rest are refused.
      expect(cases).toBeGreaterThan(5000);
      expect(outcomes.read).toBeGreaterThan(0);
      expect(outcomes.ERR_AMLPREP_INPUT).toBeGreaterThan(0);
    },
  );
});
