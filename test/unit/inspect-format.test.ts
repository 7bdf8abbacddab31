// Fourth fresh-user trial (session 16): inspect's text showed total_sent's max
// 42478234164.96 as 42478200000, a rounded value that read as an exact one.
import { describe, expect, it } from 'vitest';

import type { ColumnStats } from '../../src/inspect/column-stats.js';
import { formatInspection } from '../../src/inspect/format.js';
import type { Inspection } from '../../src/inspect/inspect.js';

function inspectionWith(column: ColumnStats): Inspection {
  const file = { file: 'nodes.arrow', rows: 1, bytes: 1024, columns: [column] };
  return {
    dir: '/out',
    amlprep: '0.1.0',
    createdAt: '2026-12-05T00:00:00.000Z',
    files: {
      nodes: file,
      edges: { ...file, columns: [] },
      trainResampled: { ...file, columns: [] },
    },
    splits: {},
    resampled: { '0': 0, '1': 0, total: 0 },
    typologies: [],
    topAccounts: [],
    warnings: [],
  } as Inspection;
}

function floatColumn(name: string, mean: number, max: number): ColumnStats {
  return { name, type: 'Float64', nulls: 0, nan: 0, min: 0, mean, max, distinct: null };
}

function statsLine(column: ColumnStats): string {
  const text = formatInspection(inspectionWith(column));
  return text.split('\n').find((line) => line.trimStart().startsWith(column.name))!;
}

describe('the inspect report', () => {
  it('shows a rounded value past a million in exponent form', () => {
    const line = statsLine(floatColumn('total_sent', 1234567.891, 42478234164.96));

    expect(line).toContain('4.24782e10');
    expect(line).toContain('1.23457e6');
    expect(line).not.toContain('42478200000');
  });

  it('keeps whole numbers whole and small fractions to six digits', () => {
    const line = statsLine(floatColumn('in_degree', 12.3456789, 42478234164));

    expect(line).toContain('42478234164');
    expect(line).toContain('12.3457');
  });
});
