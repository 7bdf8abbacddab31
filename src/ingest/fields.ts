/**
 * Byte-level readers for the typed fields of a transaction row. Each returns NaN (or -1) for a
 * malformed value, so the caller can name the field in the bad-row reason without exceptions
 * on the hot path.
 */
const ZERO = 0x30;
const SLASH = 0x2f;
const COLON = 0x3a;
const SPACE = 0x20;
const DOT = 0x2e;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY/MM/DD HH:MM[:SS]` read as UTC, in seconds since the epoch; NaN when malformed. */
export function parseTimestamp(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len !== 16 && len !== 19) return NaN;
  return parseDay(buf, start) * 86_400 + parseTimeOfDay(buf, start, len);
}

/**
 * The date of a timestamp at `start` (`YYYY/MM/DD` and the space after it) in days since the
 * epoch; NaN when malformed or not a real date.
 */
export function parseDay(buf: Uint8Array, start: number): number {
  if (buf[start + 4] !== SLASH || buf[start + 7] !== SLASH || buf[start + 10] !== SPACE) return NaN;

  const year = digits(buf, start, 4);
  const month = digits(buf, start + 5, 2);
  const day = digits(buf, start + 8, 2);
  if ((year | month | day) < 0) return NaN;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day);
}

/**
 * The time of a timestamp at `start` of `len` bytes (16: `HH:MM`, 19: `HH:MM:SS`, from byte
 * 11) in seconds since midnight; NaN when malformed.
 */
export function parseTimeOfDay(buf: Uint8Array, start: number, len: number): number {
  if (buf[start + 13] !== COLON) return NaN;
  if (len === 19 && buf[start + 16] !== COLON) return NaN;

  const hour = digits(buf, start + 11, 2);
  const minute = digits(buf, start + 14, 2);
  const second = len === 19 ? digits(buf, start + 17, 2) : 0;
  if ((hour | minute | second) < 0) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  return hour * 3600 + minute * 60 + second;
}

/**
 * A decimal amount: digits with an optional fraction (`.5` and `5.` too). Sign, exponent,
 * spaces, NaN and inf are rejected with NaN. The value equals `Number(text)` exactly: when the
 * digits fit in 2^53 and the scale in 10^22, one correctly rounded division gives the same
 * double; anything longer falls back to the runtime's own conversion.
 */
export function parseAmount(buf: Uint8Array, start: number, end: number): number {
  if (end <= start) return NaN;
  let mantissa = 0;
  let digitCount = 0;
  let scale = 0;
  let seenDot = false;

  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b === DOT) {
      if (seenDot) return NaN;
      seenDot = true;
      continue;
    }
    const d = b - ZERO;
    if (d < 0 || d > 9) return NaN;
    mantissa = mantissa * 10 + d;
    digitCount++;
    if (seenDot) scale++;
  }
  if (digitCount === 0) return NaN;
  if (mantissa <= Number.MAX_SAFE_INTEGER && scale <= 22) return mantissa / POW10[scale]!;
  const value = Number(
    Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'),
  );
  // Hundreds of digits parse to Infinity, which would turn every z-score of the column into
  // NaN; a finite 1e160 still overflows the sums and squares of the scaler (a trial's std
  // came out null and the column's z-scores 0). Such an amount is a bad value like any other.
  return value <= MAX_AMOUNT ? value : NaN;
}

/**
 * The largest amount taken. Below it, a node's sum over 2^31 transactions squared and summed
 * over 2^31 nodes stays finite (2^31 · 1e100, squared, times 2^31 ≈ 1e227), so every feature
 * and scaler statistic does; no currency's amounts come near it.
 */
export const MAX_AMOUNT = 1e100;

/** Powers of ten up to 10^22, the largest a double holds exactly. */
export const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return DAYS_IN_MONTH[month - 1] as number;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function digits(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const d = (buf[at + i] as number) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
