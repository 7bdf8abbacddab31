import { InputError } from '../errors.js';

/**
 * An output file whose contents are not what amlprep writes: bytes Arrow cannot decode, a
 * column with nulls or buffers no run writes. `reason` is said without the file's path, so
 * that `changedOutputError`, which hashes the outputs, can name the changed file around it.
 */
export class UnreadableOutputError extends InputError {
  constructor(
    readonly reason: string,
    path: string | null = null,
    cause?: unknown,
  ) {
    super(path === null ? reason : `${path}: ${reason}`, cause);
  }
}
