// Second trial of session 14: a FIFO in the output folder under a name amlprep opens
// (amlprep.lock, checkpoints.mdb, manifest.json, an Arrow file) hung run, status, clean,
// inspect and export inside open(2), deaf to Ctrl-C. Every command now refuses it first.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { bufferIo } from './helpers/buffer-io.js';
import { SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('special-files');

/** A folder with a FIFO named `name`, or null where `mkfifo` is not available. */
function folderWithFifo(name: string): string | null {
  const dir = tempDir();
  try {
    execFileSync('mkfifo', [join(dir, name)]);
    return dir;
  } catch {
    return null;
  }
}

const NAMES = ['amlprep.lock', 'checkpoints.mdb', 'manifest.json', 'edges.arrow'];
const COMMANDS: [string, (dir: string) => string[]][] = [
  ['run', (dir) => ['run', SAMPLE.transactions, '--out', dir, '--chunk-size', '5000']],
  ['run --dry-run', (dir) => ['run', SAMPLE.transactions, '--out', dir, '--dry-run']],
  ['status', (dir) => ['status', dir]],
  ['clean', (dir) => ['clean', dir]],
  ['inspect', (dir) => ['inspect', dir]],
  ['export', (dir) => ['export', dir, '--format', 'csv', '--out', join(dir, 'x')]],
];

describe('a FIFO under a name amlprep opens in the output folder', () => {
  it.each(NAMES.flatMap((name) => COMMANDS.map(([what, argv]) => [name, what, argv] as const)))(
    '%s is refused by %s at once, naming it',
    async (name, _, argv) => {
      const dir = folderWithFifo(name);
      if (dir === null) return;
      const io = bufferIo();

      const code = await main(argv(dir), io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        `amlprep: ${join(dir, name)} is a FIFO, not a file; amlprep opens a file of that name ` +
          'there: move it away or choose another folder\n',
      );
    },
    10_000,
  );
});
