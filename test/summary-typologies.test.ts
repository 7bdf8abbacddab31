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
});
