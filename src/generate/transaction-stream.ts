import { convertUnits, drawUsd, paidUnits } from './amounts.js';
import type { LaunderingPlan } from './laundering.js';
import { Rng, cumulative } from './rng.js';
import { emptyRow } from './row-encoder.js';
import { JITTER_MINUTES, Timeline } from './timeline.js';
import { BITCOIN, CURRENCIES, FORMAT, FORMATS, type PaymentFormat } from './vocab.js';
import { STREAM, type World } from './world.js';

/** Share of ordinary rows where an account pays itself (mostly Reinvestment). */
export const SELF_SHARE = 0.1;

/** Share of fiat, non-self rows paid in one currency and received in another. */
export const CROSS_SHARE = 0.02;

const REINVESTMENT_SHARE = 0.92;

/** Formats of fiat payments between two accounts, weighted roughly as in HI-Small. */
const FIAT_FORMAT_WEIGHT: Readonly<Partial<Record<PaymentFormat, number>>> = {
  ACH: 0.13,
  Cash: 0.11,
  Cheque: 0.4,
  'Credit Card': 0.29,
  Wire: 0.04,
};
const FIAT_FORMATS = cumulative(FORMATS.map((format) => FIAT_FORMAT_WEIGHT[format] ?? 0));

/**
 * Produces the transactions file's data rows in order: ordinary rows drawn on the fly, with
 * the planned laundering rows merged in where their time falls. Rows go straight into the
 * caller's buffer through one reused RowFields record.
 */
export class TransactionStream {
  readonly #world: World;
  readonly #plan: LaunderingPlan;
  readonly #rng: Rng;
  readonly #timeline = new Timeline();
  readonly #row = emptyRow();
  readonly #ordinaryCount: number;
  #ordinaryDone = 0;
  #launderingDone = 0;
  #nextSlot = 0;

  /** `rows` counts every data row, laundering included. */
  constructor(world: World, plan: LaunderingPlan, rows: number, seed: number) {
    this.#world = world;
    this.#plan = plan;
    this.#rng = new Rng(seed, STREAM.rows);
    this.#ordinaryCount = rows - plan.lines.length;
    this.#nextSlot = this.#slot(0);
  }

  get done(): boolean {
    return (
      this.#ordinaryDone === this.#ordinaryCount && this.#launderingDone === this.#plan.lines.length
    );
  }

  /** Writes rows from `pos` for as long as `pos <= limit`; returns where it stopped. */
  fill(out: Buffer, pos: number, limit: number): number {
    while (pos <= limit && !this.done) {
      pos = this.#launderingDue() ? this.#laundering(out, pos) : this.#ordinary(out, pos);
    }
    return pos;
  }

  /** A laundering row goes first when its minute is not after the next ordinary slot. */
  #launderingDue(): boolean {
    const next = this.#launderingDone;
    if (next === this.#plan.lines.length) return false;
    if (this.#ordinaryDone === this.#ordinaryCount) return true;
    return (this.#plan.minutes[next] as number) <= this.#nextSlot;
  }

  #laundering(out: Buffer, pos: number): number {
    const line = this.#plan.lines[this.#launderingDone++] as Buffer;
    return pos + line.copy(out, pos);
  }

  #ordinary(out: Buffer, pos: number): number {
    const { accounts, banks, picker, encoder } = this.#world;
    const rng = this.#rng;
    const row = this.#row;

    // 1. When: the slot's minute, pulled back by up to half an hour (mirrored at 0:00).
    row.minute = Math.abs(this.#nextSlot - rng.below(JITTER_MINUTES));
    this.#nextSlot = this.#slot(++this.#ordinaryDone);

    // 2. Who: a skewed sender, and itself or a receiver of the same kind.
    const from = picker.sender(rng);
    const crypto = accounts.crypto[from] === 1;
    const self = rng.float() < SELF_SHARE;
    row.from = from;
    row.to = self ? from : picker.receiver(rng, from, crypto);
    row.format = paymentFormat(rng, self, crypto);

    // 3. How much, in the sender's currency, sometimes received in another.
    const currency = crypto ? BITCOIN : (banks.currency[accounts.bank[from] as number] as number);
    row.payCurrency = currency;
    row.paid = paidUnits(drawUsd(row.format, rng), currency, row.format, rng);
    row.receiveCurrency = currency;
    row.received = row.paid;
    if (!self && !crypto && rng.float() < CROSS_SHARE) {
      row.receiveCurrency = foreignCurrency(this.#world, row.to, currency, rng);
      row.received = convertUnits(row.paid, currency, row.receiveCurrency);
    }

    row.laundering = 0;
    return encoder.encode(out, pos, row);
  }

  #slot(index: number): number {
    if (index >= this.#ordinaryCount) return Number.POSITIVE_INFINITY;
    return this.#timeline.slotMinute((index + 0.5) / this.#ordinaryCount);
  }
}

function paymentFormat(rng: Rng, self: boolean, crypto: boolean): number {
  if (self && (crypto || rng.float() < REINVESTMENT_SHARE)) return FORMAT.reinvestment;
  if (crypto) return FORMAT.bitcoin;
  return rng.pick(FIAT_FORMATS);
}

/** The receiver's own currency when it differs, else another fiat currency at random. */
function foreignCurrency(world: World, to: number, paying: number, rng: Rng): number {
  const home = world.banks.currency[world.accounts.bank[to] as number] as number;
  if (home !== paying && home !== BITCOIN && world.accounts.crypto[to] === 0) return home;

  let other = rng.below(CURRENCIES.length - 2);
  if (other >= Math.min(paying, BITCOIN)) other++;
  if (other >= Math.max(paying, BITCOIN)) other++;
  return other;
}
