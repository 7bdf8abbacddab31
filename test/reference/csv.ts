// A plain RFC 4180 reader: the slow, character-by-character way, so it is easy to check.

export interface CsvRecord {
  /** Physical line (1-based) on which the record starts. */
  readonly line: number;
  readonly fields: string[];
}

/**
 * Splits CSV text into records. Accepts a BOM, LF or CRLF, no final newline, and quoted
 * fields holding commas, doubled quotes and line breaks. Throws on what RFC 4180 forbids:
 * a quote inside an unquoted field, text after a closing quote, an unclosed quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let closed = false; // just after a closing quote: only a comma or a line break may follow
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endRecord = (): void => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    recordLine = line;
  };

  while (i < src.length) {
    const ch = src[i] as string;

    // Inside quotes everything is data except a quote, which closes or is doubled.
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        closed = true;
      } else {
        field += ch;
      }
      if (ch === '\n') line += 1;
      i += 1;
      continue;
    }

    const breaks = ch === '\n' || (ch === '\r' && src[i + 1] === '\n');
    if ((closed && ch !== ',' && !breaks) || (ch === '"' && field !== '')) {
      throw new Error(`line ${line}: stray quote`);
    }
    closed = false;
    if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' && src[i + 1] === '\n') {
      line += 1;
      i += 1;
      endRecord();
    } else if (ch === '\n') {
      line += 1;
      endRecord();
    } else {
      field += ch;
    }
    i += 1;
  }

  // The last record has no line break after it unless the file ends with one.
  if (quoted) throw new Error(`line ${recordLine}: unclosed quote`);
  if (field !== '' || fields.length > 0 || closed) endRecord();
  return records;
}
