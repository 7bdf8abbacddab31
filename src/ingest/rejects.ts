/** A malformed record of any input file, as written to `rejected_rows.csv`. */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
  text: string;
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
