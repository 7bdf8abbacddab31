import { AbortedError } from '../errors.js';

/** Work between two turns of the event loop, at most (plus one slice). */
const BUDGET_MS = 50;

/** Rows per slice of a simple loop: well under a millisecond of work at a few ns per row. */
export const SLICE = 1 << 14;

/**
 * Lets the event loop run during a long synchronous loop on the coordinator, so a SIGINT or
 * an aborted `signal` takes effect within about 50 ms instead of when the loop ends. Call
 * `breathe()` between slices of the loop: once the budget is spent it yields a turn
 * (setImmediate, so pending I/O and signal handlers run), then throws the AbortedError the
 * chunk runner throws when the run was stopped meanwhile. The slices do the same work in the
 * same order as the unsliced loop, so results stay bit-identical.
 */
export class Pacer {
  readonly #signal: AbortSignal | undefined;
  #since = performance.now();

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  async breathe(): Promise<void> {
    if (performance.now() - this.#since >= BUDGET_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.#since = performance.now();
    }
    if (this.#signal?.aborted === true) throw AbortedError.of(this.#signal);
  }
}

/** Runs `body` over [0, total) in slices of `size`, in order, breathing between slices. */
export async function inSlices(
  pace: Pacer,
  total: number,
  body: (from: number, to: number) => void,
  size = SLICE,
): Promise<void> {
  for (let from = 0; from < total; from += size) {
    body(from, Math.min(total, from + size));
    await pace.breathe();
  }
}
