import { accountsOfKind, type AccountTable } from './accounts.js';
import type { Rng } from './rng.js';

/**
 * Skews: rank = floor(n * u^skew) in a shuffled list. Rank 0 is then drawn with probability
 * about n^(-1/skew), so a few hub accounts send or receive a large share of the rows, and
 * the shuffle keeps hubs from clustering at low account indexes or in big banks.
 */
const SENDER_SKEW = 2;
const RECEIVER_SKEW = 2.5;

/** Picks the two sides of ordinary transactions. */
export class CounterpartyPicker {
  readonly #senders: Int32Array;
  readonly #fiat: Int32Array;
  readonly #crypto: Int32Array;

  constructor(accounts: AccountTable, rng: Rng) {
    this.#senders = rng.permutation(accounts.count);
    this.#fiat = rng.shuffle(accountsOfKind(accounts, 0));
    this.#crypto = rng.shuffle(accountsOfKind(accounts, 1));
  }

  sender(rng: Rng): number {
    return skewed(this.#senders, SENDER_SKEW, rng);
  }

  /**
   * A receiver of the same kind as the sender (Bitcoin accounts pay Bitcoin accounts), other
   * than the sender itself unless a second, unskewed draw lands on it again.
   */
  receiver(rng: Rng, sender: number, crypto: boolean): number {
    const pool = crypto ? this.#crypto : this.#fiat;
    const first = skewed(pool, RECEIVER_SKEW, rng);
    if (first !== sender) return first;

    return skewed(pool, 1, rng);
  }
}

function skewed(pool: Int32Array, skew: number, rng: Rng): number {
  const rank = Math.floor(pool.length * rng.float() ** skew);
  return pool[rank] as number;
}
