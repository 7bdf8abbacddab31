/** A malformed record of any input file, as written to `rejected_rows.csv`. */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
  text: string;
}

/**
 * The reason of a rejected record that spans several lines, saying so: a quoted field may hold
 * line breaks (RFC 4180), so a quote opened and left open, or closed many lines later, makes
 * one bad row of every line between (trial W: 400 lines, 399 of them good rows, were shown as
 * "1 bad row" at its first line). Line breaks are only ever inside a quoted field, and the
 * first of them inside one opened on the record's first line.
 */
export function withSpan(reason: string, line: number, text: string): string {
  const lines = lineCount(text);
  if (lines === 1) return reason;
  return (
    `${reason}; a quoted field opened on this line holds line breaks, so this one row is ` +
    `lines ${line} to ${line + lines - 1} (${lines.toLocaleString('en-US')} lines)`
  );
}

/** Physical lines of a record's text (without its own line break). */
export function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Shown for a NUL byte of a rejected row: many CSV tools stop reading at a NUL, and the row is
 * there to be read. U+2400 SYMBOL FOR NULL, as U+FFFD stands for bytes that are not UTF-8.
 */
export const NUL_SYMBOL = '\u2400';

export function rejectsCsv(rows: readonly RejectedRow[]): string {
  const lines = ['file,line,reason,row'];
  for (const r of rows) {
    const row = csvField(r.text.replaceAll('\0', NUL_SYMBOL));
    lines.push([csvField(r.file), String(r.line), csvField(r.reason), row].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
