// Planning in parts (scan-parts.ts) must give exactly the plan of the one-thread scan
// (planChunks, whose spans chunk-planning.test.ts works out by hand) for every way of cutting
// the file into ranges: blank lines, lone CRs, CRLF, a last row without a line break, long
// lines, and cuts that fall anywhere, between the bytes of a CRLF included.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { InputChangedError } from '../../src/errors.js';
import { planChunks, type ChunkPlan } from '../../src/ingest/scan.js';
import { pieces } from '../../src/pipeline/chunks.js';
import { scanPart, stitchParts } from '../../src/ingest/scan-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'amlprep-unit-scan-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** The plan from ranges cut at `cuts` (offsets strictly inside the data). */
function planCut(
  path: string,
  content: string,
  dataStart: number,
  chunkRows: number,
  cuts: number[],
  sample = 2,
): ChunkPlan | null {
  const bounds = [dataStart, ...cuts, content.length];
  const parts = bounds.slice(1).map((to, i) => scanPart(path, bounds[i]!, to, sample));
  return stitchParts(path, content.length, dataStart, 2, chunkRows, parts);
}

const AWKWARD = [
  'h\nr0\nr1\nr2\nr3\nr4\n',
  'h\nr0\nr1\nr2\nr3\n',
  'h\n\nr0\n\n\nr1\nr2\n\n',
  'h\r\nr0\r\n\r\nr1\r\nr2\r\n\r\n',
  'h\nr0\n\r\nr1\n\r\n\r\nr2',
  'h\nr0\nr1\nr2\r',
  'h\nr0\nr1\n\r',
  'h\nr0\n',
  'h\n\n\n',
  'h\n',
  'h\nlonger row number zero\nr1\n\n\nanother long row, with commas,,,\nr4\nr5\nr6\nr7\n',
  'h\nx\nyy\n\nzzz\n\r\n\r\nw\nv\nu\nt\r\ns\n\n',
];

describe('planning in parts', () => {
  it.each(AWKWARD.map((content, i) => [i, content] as const))(
    'matches the one-thread plan of file %i for every cut into one, two or three ranges',
    (_, content) => {
      const path = file(content);
      const dataStart = content.indexOf('\n') + 1;
      for (const chunkRows of [1, 2, 3, 100]) {
        const serial = planChunks(path, dataStart, 2, chunkRows, null);
        expect(planCut(path, content, dataStart, chunkRows, []), `rows ${chunkRows}`).toEqual(
          serial,
        );
        for (let a = dataStart + 1; a < content.length; a++) {
          expect(planCut(path, content, dataStart, chunkRows, [a]), `cut ${a}`).toEqual(serial);
          for (let b = a + 1; b < content.length; b++) {
            expect(planCut(path, content, dataStart, chunkRows, [a, b]), `${a},${b}`).toEqual(
              serial,
            );
          }
        }
      }
    },
  );

  it('matches on a file of thousands of lines, sampled sparsely, in up to eight ranges', () => {
    // Rows of varying length with blank lines and CRLFs sprinkled in, so chunk boundaries
    // fall between samples and ranges start mid-line, on a CR and on a line break.
    const lines = ['h'];
    for (let i = 0; i < 5000; i++) {
      lines.push(`${i},${'x'.repeat(i % 37)}${i % 11 === 0 ? '\r' : ''}`);
      if (i % 97 === 0) lines.push('');
      if (i % 131 === 0) lines.push('\r');
    }
    const content = `${lines.join('\n')}\n`;
    const path = file(content);
    for (const chunkRows of [1, 7, 100, 1000, 10_000]) {
      const serial = planChunks(path, 2, 2, chunkRows, null);
      for (const n of [1, 2, 3, 8]) {
        const cuts = pieces(2, content.length, n)
          .slice(1)
          .map((r) => r.from);
        for (const sample of [1, 5, 128]) {
          expect(planCut(path, content, 2, chunkRows, cuts, sample)).toEqual(serial);
        }
      }
    }
  });

  it('gives up (null) when a range holds a quote, which may hide a line break', () => {
    const content = 'h\na,"x\ny"\nb\nc\n';
    const path = file(content);

    expect(planCut(path, content, 2, 2, [])).toBeNull();
    expect(planCut(path, content, 2, 2, [9])).toBeNull();
  });

  // Second fresh-user trial (session 15): a file truncated while the ranges were scanned
  // gave spans ending before they start, and a RangeError with a stack in a worker.
  it('refuses a file whose size changed after the ranges were scanned', () => {
    const content = 'h\nr0\nr1\nr2\nr3\n';
    const path = file(content);
    const parts = [scanPart(path, 2, 8), scanPart(path, 8, content.length)];
    writeFileSync(path, 'h\nr0\n');

    expect(() => stitchParts(path, content.length, 2, 2, 2, parts)).toThrow(InputChangedError);
    expect(() => stitchParts(path, content.length, 2, 2, 2, parts)).toThrow(
      `${path}: changed during the run (it was ${content.length} bytes as its chunks were ` +
        'planned, now 5)',
    );
  });
});
