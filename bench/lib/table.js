// @ts-check
/**
 * Plain-text tables that are also valid Markdown, so the same string goes to the terminal
 * and into RESULTS.md. Numeric-looking cells are right-aligned.
 */

/**
 * @param {readonly string[]} headers
 * @param {readonly (readonly string[])[]} rows
 * @returns {string}
 */
export function renderTable(headers, rows) {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map((_, c) => {
    return rows.length > 0 && rows.every((r) => isNumeric(r[c] ?? ''));
  });
  /** @param {readonly string[]} cells */
  const line = (cells) => {
    const padded = cells.map((cell, c) => pad(cell, widths[c] ?? 0, numeric[c] ?? false));
    return `| ${padded.join(' | ')} |`;
  };
  const rule = `|${widths
    .map((w, c) => (numeric[c] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2)))
    .join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/**
 * @param {string} cell
 * @param {number} width
 * @param {boolean} right
 */
function pad(cell, width, right) {
  return right ? cell.padStart(width) : cell.padEnd(width);
}

/** Dashes count as numeric so a missing value does not flip a column's alignment. */
const NUMERIC = /^(?:[-+]?[\d,]*\.?\d+[%x]?|–)$/;

/** @param {string} cell */
function isNumeric(cell) {
  return NUMERIC.test(cell);
}

const MIB = 1024 * 1024;

/** @param {number | null | undefined} seconds */
export function fmtSeconds(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  return seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1);
}

/** @param {number | null | undefined} bytes */
export function fmtMiB(bytes) {
  if (bytes === null || bytes === undefined) return '–';
  const mib = bytes / MIB;
  return Math.abs(mib) < 10 ? mib.toFixed(1) : fmtInt(mib);
}

/** @param {number | null | undefined} n */
export function fmtInt(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/**
 * Short counts for labels: 250 K, 1.5 M; exact below ten thousand.
 * @param {number} n
 */
export function fmtCount(n) {
  const trim = (/** @type {number} */ v) => String(Number(v.toFixed(2)));
  if (n >= 1e6) return `${trim(n / 1e6)} M`;
  if (n >= 1e4) return `${trim(n / 1e3)} K`;
  return fmtInt(n);
}

/** @param {number | null | undefined} share  0..1 */
export function fmtPercent(share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(1)}%`;
}

/** @param {number | null | undefined} ratio */
export function fmtRatio(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${ratio.toFixed(2)}x`;
}
