/** Calendar fields of a UTC instant given in epoch seconds; all integer arithmetic. */
export const SECONDS_PER_DAY = 86_400;

export function dayOf(ts: number): number {
  return Math.floor(ts / SECONDS_PER_DAY);
}

export function hourOf(ts: number): number {
  return Math.floor((ts - dayOf(ts) * SECONDS_PER_DAY) / 3600);
}

/** Monday = 0 … Sunday = 6; 1970-01-01 was a Thursday. */
export function weekdayOf(ts: number): number {
  return (((dayOf(ts) + 3) % 7) + 7) % 7;
}

/** Month 1–12 of a day number (inverse of the civil-from-days algorithm). */
export function monthOf(ts: number): number {
  const z = dayOf(ts) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return mp < 10 ? mp + 3 : mp - 9;
}

/** SPEC §4.11: hours 22, 23 and 0–6 inclusive. */
export function isNight(hour: number): boolean {
  return hour >= 22 || hour <= 6;
}

export function isWeekend(weekday: number): boolean {
  return weekday >= 5;
}
