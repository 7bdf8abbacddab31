/**
 * Time in the generator is whole minutes since 2022/09/01 00:00 UTC, the first minute of every
 * AMLworld file. Ordinary rows are spread over SPAN_DAYS with quieter weekends; each row's
 * written time is its slot time minus up to JITTER_MINUTES, which reproduces the real files'
 * "mostly but not strictly increasing" order.
 */

export const START_MS = Date.UTC(2022, 8, 1);
export const SPAN_DAYS = 18;
export const MINUTES_PER_DAY = 1440;
export const SPAN_MINUTES = SPAN_DAYS * MINUTES_PER_DAY;
export const JITTER_MINUTES = 30;

/** Bytes in `YYYY/MM/DD HH:MM`. */
export const TIMESTAMP_BYTES = 16;

const WEEKEND_WEIGHT = 0.7;

/** Maps a row's position in the stream to its slot minute, following the daily volumes. */
export class Timeline {
  /** cumulative[d] = share of rows before day d; cumulative[SPAN_DAYS] = 1. */
  readonly #cumulative: Float64Array;
  #day = 0;

  constructor() {
    const weights = Array.from({ length: SPAN_DAYS }, (_, day) => dayWeight(day));
    const total = weights.reduce((sum, weight) => sum + weight, 0);

    this.#cumulative = new Float64Array(SPAN_DAYS + 1);
    for (let day = 0; day < SPAN_DAYS; day++) {
      this.#cumulative[day + 1] = (this.#cumulative[day] ?? 0) + (weights[day] ?? 0) / total;
    }
  }

  /**
   * Slot minute of the row at `fraction` (0..1) of the stream. Calls must come with
   * non-decreasing fractions: the day cursor only moves forward, which keeps this O(1).
   */
  slotMinute(fraction: number): number {
    const table = this.#cumulative;
    while (this.#day < SPAN_DAYS - 1 && fraction >= (table[this.#day + 1] as number)) {
      this.#day++;
    }

    const from = table[this.#day] as number;
    const to = table[this.#day + 1] as number;
    const within = Math.floor(((fraction - from) / (to - from)) * MINUTES_PER_DAY);
    return this.#day * MINUTES_PER_DAY + Math.min(MINUTES_PER_DAY - 1, within);
  }
}

/**
 * The text of every minute in the span, `YYYY/MM/DD HH:MM`, back to back: writing a
 * timestamp is then a 16-byte copy from offset minute * 16.
 */
export function timestampTable(): Buffer {
  const table = Buffer.alloc(SPAN_MINUTES * TIMESTAMP_BYTES);

  for (let day = 0; day < SPAN_DAYS; day++) {
    const date = new Date(START_MS + day * 86_400_000);
    const prefix =
      `${date.getUTCFullYear()}/${pad2(date.getUTCMonth() + 1)}/` + `${pad2(date.getUTCDate())} `;
    for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
      const text = `${prefix}${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
      table.write(text, (day * MINUTES_PER_DAY + minute) * TIMESTAMP_BYTES, 'latin1');
    }
  }
  return table;
}

function dayWeight(day: number): number {
  const weekday = new Date(START_MS + day * 86_400_000).getUTCDay();
  return weekday === 0 || weekday === 6 ? WEEKEND_WEIGHT : 1;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
