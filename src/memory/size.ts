/** Binary multiples: `4g` is 4 GiB, as memory is counted (free, top, cgroup limits). */
const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)i?b?$/i;

/**
 * A size in bytes from text: `4294967296`, `4g`, `512m`, `1.5G`, `4GiB`, `4gb`. Suffixes are
 * binary multiples of 1024. Null when the text is not a size; fractions of a byte round down.
 */
export function parseSize(text: string): number | null {
  const m = SIZE.exec(text.trim().replaceAll('_', ''));
  if (m === null) return null;
  const unit = UNITS[(m[2] ?? '').toLowerCase()] ?? 1;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** `4.0 GiB`, `512 MiB`: sizes in messages and notes. */
export function formatSize(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MiB`;
}
