import { PassThrough } from 'node:stream';

import type { CliIo } from '../../src/cli/io.js';

/** CLI streams that keep what is written, for `main(argv, io)` in-process. */
export function bufferIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout, stderr, env: {}, out: () => out, err: () => err };
}
