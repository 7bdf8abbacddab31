/** A malformed record of any input file, as written to `rejected_rows.csv`. */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
  text: string;
}

export function rejectsCsv(rows: readonly RejectedRow[]): string {
  const lines = ['file,line,reason,row'];
  for (const r of rows) {
    lines.push([csvField(r.file), String(r.line), csvField(r.reason), csvField(r.text)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
