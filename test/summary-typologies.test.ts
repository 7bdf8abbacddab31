// Fifth fresh-user trial (session 16): the run summary listed typologies in the manifest's
// order of appearance while inspect sorted them by count, so the two were hard to compare.
import { describe, expect, it } from 'vitest';

import { formatSummary } from '../src/cli/summary.js';
import { inspectRun, run } from '../src/index.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('summary-typologies');

describe('the run summary', () => {
  it('lists typologies most edges first, in the order inspect gives', async () => {
    const out = tempDir();
    const result = await run(sampleRunOptions(out));

    const line = formatSummary(result)
      .split('\n')
      .find((l) => l.startsWith('typologies'))!;
    const listed = line
      .slice('typologies'.length)
      .trim()
      .split(', ')
      .map((entry) => {
        const cut = entry.lastIndexOf(' ');
        return { name: entry.slice(0, cut), edges: Number(entry.slice(cut + 1).replace(/,/g, '')) };
      });

    expect(listed.length).toBeGreaterThan(1);
    expect(listed).toEqual((await inspectRun(out)).typologies);
  });

  // Trial K (session 19): a patterns file of 300 typologies printed them on one line.
  it('names the ten with most edges and counts the rest', async () => {
    const result = await run(sampleRunOptions(tempDir()));
    const counts = Object.fromEntries(
      Array.from({ length: 13 }, (_, i) => [`T${String(i).padStart(2, '0')}`, 100 - i]),
    );
    result.summary.typologyCounts = counts;

    const line = formatSummary(result)
      .split('\n')
      .find((l) => l.startsWith('typologies'))!;

    expect(line).toBe(
      'typologies     T00 100, T01 99, T02 98, T03 97, T04 96, T05 95, T06 94, T07 93, T08 92, ' +
        'T09 91, and 3 more (amlprep inspect lists all)',
    );
  });
});
