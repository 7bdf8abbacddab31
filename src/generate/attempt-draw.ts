import { accountsOfKind, type AccountTable } from './accounts.js';
import type { Rng } from './rng.js';
import { MINUTES_PER_DAY, SPAN_MINUTES } from './timeline.js';

/** One planned laundering transaction, before it is given currencies and written. */
export interface PlannedTx {
  from: number;
  to: number;
  minute: number;
  usd: number;
}

/** What a typology builder returns: the BEGIN line's detail and the rows in block order. */
export interface AttemptDraft {
  detail: string;
  txs: PlannedTx[];
}

export const HOUR = 60;
export const DAY = MINUTES_PER_DAY;

/** Attempts start early enough to finish inside the span; none runs longer than this. */
export const MAX_ATTEMPT_MINUTES = 8 * DAY;

const BASE_MEDIAN_USD = 8000;
const BASE_SIGMA = 1.1;
const BIG_SHARE = 0.03;
const MAX_BASE_USD = 5e9;
const CRYPTO_ATTEMPT_SHARE = 0.01;

/** Most distinct accounts any builder asks for (gather-scatter: 1 + 8 + 8). */
const MAX_ATTEMPT_ACCOUNTS = 17;

/** The random choices typology builders share: accounts, times and amounts. */
export class AttemptDraw {
  readonly rng: Rng;
  readonly #all: Int32Array;
  readonly #byKind: readonly [Int32Array, Int32Array];
  #pool: Int32Array;

  constructor(rng: Rng, accounts: AccountTable) {
    this.rng = rng;
    this.#all = accountsOfKind(accounts, 'any');
    this.#byKind = [accountsOfKind(accounts, 0), accountsOfKind(accounts, 1)];
    this.#pool = this.#all;
  }

  /**
   * Starts an attempt: a few are Bitcoin-only, the rest fiat-only, so no attempt pays fiat
   * into a Bitcoin account. A kind with too few accounts falls back to all accounts.
   */
  begin(): void {
    const kind = this.rng.float() < CRYPTO_ATTEMPT_SHARE ? 1 : 0;
    const pool = this.#byKind[kind];
    this.#pool = pool.length >= MAX_ATTEMPT_ACCOUNTS ? pool : this.#all;
  }

  /** `count` distinct accounts of the attempt's kind, uniformly chosen (not hub-weighted). */
  accounts(count: number): number[] {
    const pool = this.#pool;
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, pool.length)) {
      chosen.add(pool[this.rng.below(pool.length)] as number);
    }
    return [...chosen];
  }

  /** First minute of an attempt. */
  start(): number {
    return this.rng.below(SPAN_MINUTES - MAX_ATTEMPT_MINUTES);
  }

  /** A minute `minGap`..`maxGap` after `minute`, kept inside the span. */
  after(minute: number, minGap: number, maxGap: number): number {
    return Math.min(SPAN_MINUTES - 1, minute + this.rng.between(minGap, maxGap));
  }

  /** `count` increasing minutes within `window` minutes from `start`. */
  sortedTimes(start: number, count: number, window: number): number[] {
    const times = Array.from({ length: count }, () => this.after(start, 0, window));
    return times.sort((a, b) => a - b);
  }

  /** The attempt's typical amount: log-normal, sometimes a hundred to ten thousand times more. */
  baseUsd(): number {
    const usd = BASE_MEDIAN_USD * Math.exp(BASE_SIGMA * this.rng.normal());
    const big = this.rng.float() < BIG_SHARE ? 10 ** (2 + 2 * this.rng.float()) : 1;
    return Math.min(usd * big, MAX_BASE_USD);
  }

  /** An independent amount around `base` (fan and bipartite legs). */
  around(base: number): number {
    return base * (0.4 + 1.2 * this.rng.float());
  }

  /** What is left after one hop of a chain: often all of it, else a 1–8% fee. */
  afterFee(usd: number): number {
    return this.rng.float() < 0.3 ? usd : usd * (0.92 + 0.07 * this.rng.float());
  }

  /** A size in [min, max], lowered to fit `budget` rows at `rowsPer` rows each (never < min). */
  size(min: number, max: number, budget: number, rowsPer = 1): number {
    const wanted = this.rng.between(min, max);
    return Math.max(min, Math.min(wanted, Math.floor(budget / rowsPer)));
  }
}
