// Typology lookup from a `*_Patterns.txt` file (SPEC §1, §12).
import { parseCsv } from './csv.js';
import { parseTransactionFields, type Transaction } from './parse.js';

const BEGIN = 'BEGIN LAUNDERING ATTEMPT - ';
const END = 'END LAUNDERING ATTEMPT';

/** The ten fields other than the label, after parsing: instants and numbers, not text. */
export function matchKey(t: Transaction): string {
  return [
    t.timestamp,
    t.fromBank,
    t.fromAccount,
    t.toBank,
    t.toAccount,
    t.amountReceived,
    t.receivingCurrency,
    t.amountPaid,
    t.paymentCurrency,
    t.paymentFormat,
  ]
    .map(String)
    .join('\u0000');
}

/** `CYCLE:  Max 12 hops` → `CYCLE`. */
function typologyOf(beginLine: string): string {
  const rest = beginLine.slice(BEGIN.length);
  const colon = rest.indexOf(':');
  return (colon < 0 ? rest : rest.slice(0, colon)).trim();
}

/** Maps each block row's match key to its block's typology; the first block wins. */
export function parsePatterns(text: string): Map<string, string> {
  const byKey = new Map<string, string>();
  let current: string | null = null;

  // Marker lines are matched as text: a detail after the colon may hold a comma.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.startsWith(BEGIN)) {
      current = typologyOf(raw);
    } else if (raw.startsWith(END)) {
      current = null;
    } else if (current !== null && raw.trim() !== '') {
      const fields = parseCsv(raw)[0]?.fields ?? [];
      const key = matchKey(parseTransactionFields(fields, -1, index + 1));
      if (!byKey.has(key)) byKey.set(key, current);
    }
  });
  return byKey;
}

/** §12: only a row labelled 1 gets a typology; '' when none. */
export function typologyFor(t: Transaction, patterns: Map<string, string>): string {
  if (t.isLaundering !== 1) return '';
  return patterns.get(matchKey(t)) ?? '';
}
