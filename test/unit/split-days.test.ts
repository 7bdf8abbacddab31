// Readers check edges.arrow's split column against its timestamps and the manifest's split
// (SPEC §6): values worked out by hand on ten edges over three days.
import { describe, expect, it } from 'vitest';

import type { Manifest } from '../../src/index.js';
import { SplitDays } from '../../src/output/split-days.js';

const SEP1 = Date.UTC(2022, 8, 1) / 1000;
const NAMES = ['train', 'validation', 'test'];

/**
 * Ten edges: six on 2022-09-01, two on 09-02, two on 09-03. Shares 0.6 / 0.2 / 0.2 are met
 * exactly by cutting before day 1 and day 2: six train, two validation, two test.
 */
const DAYS = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
const SPLITS = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];

function manifestWith(split: Partial<Manifest['split']> = {}): Manifest {
  const stated = {
    shares: ['0.6', '0.2', '0.2'],
    cutDays: [1, 2],
    days: 3,
    firstDay: '2022-09-01',
  };
  return { split: { ...stated, ...split } } as unknown as Manifest;
}

/** Checks the edges in two batches of five, as a reader meets them. */
function problemOf(manifest: Manifest, splits = SPLITS, days = DAYS): string | null {
  const check = new SplitDays(manifest);
  for (const from of [0, 5]) {
    const ts = Float64Array.from(days.slice(from, from + 5), (d, k) => SEP1 + d * 86_400 + k * 60);
    check.add(ts, Int32Array.from(splits.slice(from, from + 5)), NAMES, from);
  }
  return check.problem(manifest);
}

describe('the split check of edges.arrow', () => {
  it('passes the split amlprep writes', () => {
    expect(problemOf(manifestWith())).toBeNull();
  });

  it('names the first edge whose split is not its day’s', () => {
    const splits = [...SPLITS];
    splits[7] = 2;
    expect(problemOf(manifestWith(), splits)).toBe(
      'row 7 is of 2022-09-02, in validation by "split.cutDays" [1,2], but its split is test',
    );
  });

  it('gives the cut days the file’s rows per day call for', () => {
    // [2,2] would be consistent with the manifest alone: two days in order within three.
    expect(problemOf(manifestWith({ cutDays: [2, 2] }))).toBe(
      '"split.cutDays" is [2,2], but the file\'s rows per day give [1,2] for the shares ' +
        '0.6 / 0.2 / 0.2',
    );
  });

  it('finds the first day and the span from the timestamps', () => {
    expect(problemOf(manifestWith({ firstDay: '2022-08-31' }))).toBe(
      '"split.firstDay" is 2022-08-31, but the file\'s first day is 2022-09-01',
    );
    expect(problemOf(manifestWith({ days: 4 }))).toBe(
      '"split.days" is 4, but the file\'s timestamps span 3 days',
    );
  });

  it('counts days out of time order and days without rows', () => {
    // Day 1 empty, rows out of order: the span is 4 days. Cutting before day 1 or day 2 both
    // give 6 / 2 / 2; the tie goes to the smaller cut, so validation is days 1 and 2.
    const days = [3, 0, 0, 2, 0, 0, 0, 2, 3, 0];
    const splits = days.map((d) => (d < 1 ? 0 : d < 3 ? 1 : 2));
    const manifest = manifestWith({ cutDays: [1, 3], days: 4 });
    expect(problemOf(manifest, splits, days)).toBeNull();
  });
});
