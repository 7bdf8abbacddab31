import type { ColumnStats } from './column-stats.js';
import type { ClassCounts, Inspection } from './inspect.js';

/** The readable report of `amlprep inspect`: one section per question, fixed-width tables. */
export function formatInspection(r: Inspection): string {
  const out: string[] = [];
  out.push(`amlprep ${r.amlprep} outputs in ${r.dir} (created ${r.createdAt})`);
  for (const f of Object.values(r.files)) {
    out.push(`  ${f.file.padEnd(22)} ${n(f.rows).padStart(12)} rows  ${mib(f.bytes)}`);
  }

  out.push('', 'edges by split and class');
  const classRows = Object.entries(r.splits).map(([name, c]) => classRow(name, c));
  classRows.push(classRow('train_resampled', r.resampled));
  out.push(...table(['split', 'y=0', 'y=1', 'total', '% y=1'], classRows));

  out.push('', 'typologies');
  if (r.typologies.length === 0) out.push('  (none)');
  else
    out.push(
      ...table(
        ['typology', 'edges'],
        r.typologies.map((t) => [t.name, n(t.edges)]),
      ),
    );

  // `--top 0` asks for none: no heading over an empty table (trial GG).
  if (r.topAccounts.length > 0) out.push('', ...topAccounts(r));

  for (const f of Object.values(r.files)) {
    out.push('', `columns of ${f.file}`);
    out.push(
      ...table(
        ['column', 'type', 'nulls', 'min', 'mean | distinct', 'max'],
        f.columns.map(columnRow),
      ),
    );
  }
  // The CLI prints the warnings on stderr; the report only says how many there are.
  if (r.warnings.length > 0) {
    const n = r.warnings.length;
    const what = n === 1 ? 'warning' : 'warnings';
    out.push('', `${n} ${what} of differences from manifest.json, printed on stderr`);
  }

  return `${out.join('\n')}\n`;
}

function classRow(name: string, c: ClassCounts): string[] {
  const share = c.total === 0 ? '-' : `${((100 * c['1']) / c.total).toFixed(2)}%`;
  return [name, n(c['0']), n(c['1']), n(c.total), share];
}

function columnRow(c: ColumnStats): string[] {
  const nulls = c.nan > 0 ? `${n(c.nulls)} (+${n(c.nan)} NaN)` : n(c.nulls);
  const mean = c.distinct === null ? stat(c.mean) : `${n(c.distinct)} distinct`;
  return [c.name, shortType(c.type), nulls, stat(c.min), mean, stat(c.max)];
}

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
function topAccounts(r: Inspection): string[] {
  const rows = r.topAccounts.map((a) => [
    String(a.node_id),
    cut(a.bank),
    cut(a.account),
    n(a.out_degree),
    n(a.in_degree),
    n(a.degree),
  ]);
  return [
    `top ${r.topAccounts.length} accounts by degree (out_degree + in_degree)`,
    ...table(['node_id', 'bank', 'account', 'out', 'in', 'degree'], rows),
  ];
}

/**
 * Text cut to `TEXT_CELL` characters with an ellipsis: every row is padded to the longest
 * cell, so one 60 M-character account made the report 240 MB (trial JJ). --json is whole.
 */
function cut(text: string): string {
  const chars = [...text];
  return chars.length <= TEXT_CELL ? text : `${chars.slice(0, TEXT_CELL - 1).join('')}…`;
}

const TEXT_CELL = 40;

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}

function stat(x: number | string | null): string {
  if (x === null) return '-';
  if (typeof x === 'string') return x;
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  // Six significant digits; past a million in exponent form, so a rounded value never reads
  // as an exact one (42478234164.96 showed as 42478200000). --json has every digit.
  const short = Number(x.toPrecision(6));
  return Math.abs(short) >= 1e6 ? short.toExponential().replace('e+', 'e') : String(short);
}

function shortType(type: string): string {
  if (type.startsWith('Dictionary')) return 'dictionary';
  if (type.startsWith('Timestamp')) return 'timestamp[s]';
  return type.toLowerCase();
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}
