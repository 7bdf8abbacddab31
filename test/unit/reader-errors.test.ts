// What a reader of a run's outputs (inspect, export, readOutputs) rejects with when a file
// error reaches it unnamed: src/checkpoint/lock.ts `whileHeld`, which each reader's catch
// passes its error through.
import { describe, expect, it } from 'vitest';

import { whileHeld } from '../../src/checkpoint/lock.js';
import { InputError, OutputError } from '../../src/errors.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('reader-errors');

function nodeError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: no such file or directory, open '${path}'`), {
    code,
    errno: -2,
    syscall: 'open',
    path,
  });
}

describe('a file error met by a reader', () => {
  // Trial K (session 19): `clean --outputs` beside an export removed nodes.arrow as it was
  // read, and the export said "internal error (please report)" with Node's ENOENT stack.
  it('becomes an InputError naming the file that went away', () => {
    const dir = tempDir();

    const error = whileHeld(nodeError('ENOENT', `${dir}/nodes.arrow`), dir);

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      `cannot read ${dir}/nodes.arrow (ENOENT): the file is gone (removed while it was read?)`,
    );
  });

  it('names other file errors by their code', () => {
    const dir = tempDir();

    const error = whileHeld(nodeError('EIO', `${dir}/edges.arrow`), dir);

    expect((error as InputError).message).toBe(`cannot read ${dir}/edges.arrow (EIO)`);
  });

  it("leaves amlprep's own errors and errors without a path as they are", () => {
    const dir = tempDir();
    const own = new OutputError('cannot write x');
    const plain = new TypeError('not a file error');

    expect(whileHeld(own, dir)).toBe(own);
    expect(whileHeld(plain, dir)).toBe(plain);
  });
});
