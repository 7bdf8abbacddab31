// SPEC §4.11-12, §5.1-6: hour, weekday (Monday = 0) and month of a UTC instant.
import { describe, expect, it } from 'vitest';

import {
  dayOf,
  hourOf,
  isNight,
  isWeekend,
  monthOf,
  weekdayOf,
} from '../../src/features/calendar.js';
import { rng } from '../helpers/rng.js';

describe('calendar fields', () => {
  it('reads the epoch as Thursday 1970-01-01 00:00', () => {
    expect([dayOf(0), hourOf(0), weekdayOf(0), monthOf(0)]).toEqual([0, 0, 3, 1]);
  });

  it('reads one second before the epoch as Wednesday 1969-12-31 23:00', () => {
    expect([dayOf(-1), hourOf(-1), weekdayOf(-1), monthOf(-1)]).toEqual([-1, 23, 2, 12]);
  });

  it('reads known dates of the AMLworld period', () => {
    // 2022-09-01 was a Thursday; 2022-09-03 a Saturday; 2022-09-05 a Monday.
    const sep1 = Date.UTC(2022, 8, 1) / 1000;
    expect(weekdayOf(sep1)).toBe(3);
    expect(weekdayOf(sep1 + 2 * 86_400)).toBe(5);
    expect(weekdayOf(sep1 + 4 * 86_400 + 86_399)).toBe(0);
    expect(monthOf(sep1 - 1)).toBe(8);
    expect(monthOf(sep1)).toBe(9);
    expect(hourOf(sep1 + 6 * 3600 + 3599)).toBe(6);
    // 2024-02-29 (leap day) was a Thursday, in month 2; the next day is March.
    const leap = Date.UTC(2024, 1, 29, 22) / 1000;
    expect([hourOf(leap), weekdayOf(leap), monthOf(leap), monthOf(leap + 7200)]).toEqual([
      22, 3, 2, 3,
    ]);
  });

  it('agrees with the Date UTC getters on random instants from 1653 to 2286', () => {
    const next = rng(5);
    const wrong: number[] = [];
    for (let n = 0; n < 20_000; n++) {
      const ts = Math.floor((next() * 2 - 1) * 1e10);
      const d = new Date(ts * 1000);
      const ok =
        dayOf(ts) === Math.floor(ts / 86_400) &&
        hourOf(ts) === d.getUTCHours() &&
        weekdayOf(ts) === (d.getUTCDay() + 6) % 7 &&
        monthOf(ts) === d.getUTCMonth() + 1;
      if (!ok) wrong.push(ts);
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with the Date UTC getters at every day boundary of 1968-1972', () => {
    const wrong: number[] = [];
    for (let day = -731; day < 1096; day++) {
      for (const ts of [day * 86_400, day * 86_400 + 86_399]) {
        const d = new Date(ts * 1000);
        if (
          hourOf(ts) !== d.getUTCHours() ||
          weekdayOf(ts) !== (d.getUTCDay() + 6) % 7 ||
          monthOf(ts) !== d.getUTCMonth() + 1
        )
          wrong.push(ts);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('counts hours 22-23 and 0-6 inclusive as night', () => {
    const night = Array.from({ length: 24 }, (_, h) => h).filter(isNight);
    expect(night).toEqual([0, 1, 2, 3, 4, 5, 6, 22, 23]);
  });

  it('counts Saturday (5) and Sunday (6) as the weekend', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(isWeekend)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });
});
