import type { Rng } from './rng.js';
import { CURRENCIES, FORMAT, FORMATS, UNITS_PER_USD, decimalsOf } from './vocab.js';

/**
 * Amounts are drawn in US dollars and then written in the paying currency as an integer
 * count of its smallest written unit (cents, or millionths for Bitcoin), so formatting never
 * meets a binary fraction.
 */

/** Log-normal parameters per payment format: median in USD and spread (sigma of ln). */
const MEDIAN_USD: Readonly<Record<(typeof FORMATS)[number], number>> = {
  ACH: 3000,
  Bitcoin: 1500,
  Cash: 250,
  Cheque: 1500,
  'Credit Card': 40,
  Reinvestment: 2500,
  Wire: 8000,
};
const SIGMA = Float64Array.from(FORMATS, (format) => (format === 'Credit Card' ? 1.3 : 1.9));
const MU = Float64Array.from(FORMATS, (format) => Math.log(MEDIAN_USD[format]));

/** A rare Pareto-like boost gives the far tail the real files show (amounts up to ~1e12). */
const TAIL_SHARE = 0.001;
const MAX_USD = 5e9;

/** Share of cheque and ACH amounts written as whole units (`592571.00`), as in the real data. */
const WHOLE_SHARE = 0.3;

const RATE = Float64Array.from(CURRENCIES, (currency) => UNITS_PER_USD[currency]);
const SCALE = Float64Array.from(CURRENCIES, (_, code) => 10 ** decimalsOf(code));

/** Draws a USD amount for a payment format: log-normal with a rare heavy tail. */
export function drawUsd(format: number, rng: Rng): number {
  let usd = Math.exp((MU[format] as number) + (SIGMA[format] as number) * rng.normal());
  if (rng.float() < TAIL_SHARE) usd *= 10 ** (1 + 3 * rng.float());
  return Math.min(usd, MAX_USD);
}

/** A USD amount in integer units of `currency`; never 0. */
export function toUnits(usd: number, currency: number): number {
  const units = Math.round(usd * (RATE[currency] as number) * (SCALE[currency] as number));
  return Math.max(1, units);
}

/** Like `toUnits`, but cheques and ACH are sometimes whole amounts. */
export function paidUnits(usd: number, currency: number, format: number, rng: Rng): number {
  const units = toUnits(usd, currency);
  const wholeable = format === FORMAT.cheque || format === FORMAT.ach;
  if (!wholeable || rng.float() >= WHOLE_SHARE) return units;

  const scale = SCALE[currency] as number;
  const whole = Math.round(units / scale) * scale;
  return whole > 0 ? whole : units;
}

/** Converts integer units of one currency to integer units of another at the fixed rates. */
export function convertUnits(units: number, from: number, to: number): number {
  const usd = units / (SCALE[from] as number) / (RATE[from] as number);
  return toUnits(usd, to);
}
