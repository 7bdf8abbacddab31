import { dayOf } from '../features/calendar.js';
import { bestCuts, SPLIT_NAMES, TEST, TRAIN, VALIDATION } from '../features/split.js';
import type { Manifest } from './manifest.js';

const DAY_MS = 86_400_000;

/**
 * edges.arrow's split column against its timestamps, as a reader reads the file batch by
 * batch: each edge's split must be the one its day falls in under the manifest's cut days, and
 * the manifest's first day, day count and cut days must be what the file's timestamps give
 * (SPEC §6). Trial Z: `split.cutDays` moved within the days, or `firstDay` and `days` edited,
 * passed every reader, which handed the edited values on.
 */
export class SplitDays {
  /** Rows per day (epoch day number) with data. */
  readonly #perDay = new Map<number, number>();
  readonly #firstDay: number;
  readonly #cuts: readonly [number, number];
  #rows = 0;
  #mismatch: string | null = null;

  constructor(manifest: Manifest) {
    const { firstDay, cutDays } = manifest.split;
    this.#firstDay = Date.parse(`${firstDay}T00:00:00Z`) / DAY_MS;
    this.#cuts = cutDays;
  }

  /** Edges `firstRow ..` of a batch: their epoch-second timestamps and split codes. */
  add(ts: Float64Array, codes: Int32Array, dictionary: readonly string[], firstRow: number): void {
    const expected = dictionary.map((name) => SPLIT_NAMES.indexOf(name as 'train'));
    const [i, j] = this.#cuts;
    // Files come in about time order: a day's rows are counted as a run, not one by one.
    let runDay = NaN;
    let run = 0;
    for (let r = 0; r < ts.length; r++) {
      const day = dayOf(ts[r]!);
      if (day !== runDay) {
        this.#count(runDay, run);
        runDay = day;
        run = 0;
      }
      run++;
      const d = day - this.#firstDay;
      const split = d < i ? TRAIN : d < j ? VALIDATION : TEST;
      if (this.#mismatch === null && expected[codes[r]!] !== split) {
        this.#mismatch = this.#said(firstRow + r, day, split, dictionary[codes[r]!]);
      }
    }
    this.#count(runDay, run);
    this.#rows += ts.length;
  }

  /** How the manifest's split differs from the file's timestamps and split column, or null. */
  problem(manifest: Manifest): string | null {
    if (this.#rows === 0) return null;
    const { firstDay, days, cutDays, shares } = manifest.split;
    const sorted = [...this.#perDay].sort((a, b) => a[0] - b[0]);
    const first = sorted[0]![0];
    const span = sorted.at(-1)![0] - first + 1;
    if (first !== this.#firstDay) {
      return `"split.firstDay" is ${firstDay}, but the file's first day is ${dateOf(first)}`;
    }
    if (span !== days) {
      return `"split.days" is ${days}, but the file's timestamps span ${span} days`;
    }
    const perDay = sorted.map(([day, rows]) => [day - first, rows] as const);
    const { i, j } = bestCuts(perDay, this.#rows, shares);
    if (i !== cutDays[0] || j !== cutDays[1]) {
      return (
        `"split.cutDays" is ${JSON.stringify(cutDays)}, but the file's rows per day give ` +
        `[${i},${j}] for the shares ${shares.join(' / ')}`
      );
    }
    return this.#mismatch;
  }

  #count(day: number, rows: number): void {
    if (rows > 0) this.#perDay.set(day, (this.#perDay.get(day) ?? 0) + rows);
  }

  #said(row: number, day: number, split: number, stated: string | undefined): string {
    const cuts = JSON.stringify(this.#cuts);
    return (
      `row ${row} is of ${dateOf(day)}, in ${SPLIT_NAMES[split]} by "split.cutDays" ${cuts}, ` +
      `but its split is ${stated ?? 'no name'}`
    );
  }
}

/** A day as YYYY-MM-DD, or its number past the dates a Date holds (a damaged timestamp). */
function dateOf(day: number): string {
  const date = new Date(day * DAY_MS);
  return Number.isNaN(date.getTime()) ? `day ${day}` : date.toISOString().slice(0, 10);
}
