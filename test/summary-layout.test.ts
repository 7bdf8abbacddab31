// Trial C (session 17): the summary's node and edge counts were not aligned when their widths
// differed, and the class labels stood six columns left of their counts.
import { describe, expect, it } from 'vitest';

import { formatSummary } from '../src/cli/summary.js';
import { run } from '../src/index.js';
import { sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('summary-layout');

/** The column just past `text` in `line`. */
function endOf(line: string, text: string): number {
  return line.indexOf(text) + text.length;
}

describe('the run summary layout', () => {
  it('right-aligns the counts and puts each class label over its column', async () => {
    const result = await run(sampleRunOptions(tempDir()));
    const summary = { ...result.summary, nodes: 20_000, edges: 200_000, rejectedRows: 7 };

    const lines = formatSummary({ ...result, summary }).split('\n');
    const line = (start: string) => lines.find((l) => l.startsWith(start))!;

    const counts = [line('nodes'), line('edges'), line('rejected rows')];
    const ends = [
      endOf(counts[0]!, '20,000'),
      endOf(counts[1]!, '200,000'),
      endOf(counts[2]!, '7'),
    ];
    expect(new Set(ends).size).toBe(1);
    const header = line('class distribution');
    const [y0, y1] = result.summary.splits.train.map((v) => v.toLocaleString('en-US'));
    const train = line('  train');
    expect(endOf(header, 'y=0')).toBe(train.indexOf(y0!) + y0!.length);
    expect(endOf(header, 'y=1')).toBe(train.lastIndexOf(y1!) + y1!.length);
  });
});
