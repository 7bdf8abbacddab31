import { cumulative, type Rng } from './rng.js';
import { currencyCode, type Currency } from './vocab.js';

/** The generated banks. Bank 0 is the largest; sizes fall off with the index. */
export interface BankTable {
  readonly count: number;
  /** Spelling in the transactions file, zero padded to 3–8 characters: `011`, `0243166`. */
  readonly ids: readonly string[];
  /** `China Bank #2820`, `National Bank of Newport`, ... */
  readonly names: readonly string[];
  /** Currency code every fiat account of the bank pays in (Bitcoin for crypto banks). */
  readonly currency: Uint8Array;
  /** The ids' bytes back to back; bank b spans idOffset[b] .. idOffset[b + 1]. */
  readonly idBytes: Buffer;
  readonly idOffset: Uint32Array;
}

interface Country {
  name: string;
  currency: Currency;
  weight: number;
}

const COUNTRIES: readonly Country[] = [
  { name: 'US', currency: 'US Dollar', weight: 26 },
  { name: 'Germany', currency: 'Euro', weight: 6 },
  { name: 'France', currency: 'Euro', weight: 5 },
  { name: 'Italy', currency: 'Euro', weight: 4 },
  { name: 'Spain', currency: 'Euro', weight: 4 },
  { name: 'Portugal', currency: 'Euro', weight: 2 },
  { name: 'Netherlands', currency: 'Euro', weight: 2 },
  { name: 'UK', currency: 'UK Pound', weight: 4 },
  { name: 'Switzerland', currency: 'Swiss Franc', weight: 4 },
  { name: 'China', currency: 'Yuan', weight: 4 },
  { name: 'Japan', currency: 'Yen', weight: 4 },
  { name: 'India', currency: 'Rupee', weight: 4 },
  { name: 'Russia', currency: 'Ruble', weight: 3 },
  { name: 'Israel', currency: 'Shekel', weight: 4 },
  { name: 'Canada', currency: 'Canadian Dollar', weight: 4 },
  { name: 'Australia', currency: 'Australian Dollar', weight: 3 },
  { name: 'Brazil', currency: 'Brazil Real', weight: 2 },
  { name: 'Mexico', currency: 'Mexican Peso', weight: 2 },
  { name: 'Saudi Arabia', currency: 'Saudi Riyal', weight: 2 },
  // The real accounts files spell it this way; keeping the typo keeps the layout honest.
  { name: 'Crytpo', currency: 'Bitcoin', weight: 1 },
];

const COUNTRY_TABLE = cumulative(COUNTRIES.map((country) => country.weight));

const US_CITIES = [
  'Newport',
  'Harrisburg',
  'Albany',
  'Topeka',
  'Dallas',
  'Madison',
  'Huron',
  'Boise',
  'Savannah',
  'Tucson',
  'Fresno',
  'Omaha',
  'Spokane',
  'Salem',
  'Dayton',
  'Reno',
] as const;

const US_PATTERNS = [
  'National Bank of #',
  'First Bank of #',
  'Savings Bank of #',
  'Bank of #',
  '# Bancorp',
  '# Trust',
  'Mountain Bank',
  'Plateau Bancorp',
  'Valley Bank',
] as const;

/** Share of the biggest banks that are always US banks, as in the real data. */
const US_TOP_SHARE = 0.01;

/** Share of banks whose number repeats an earlier bank's with other padding (`011`, `0011`). */
const COLLISION_SHARE = 0.02;

/** Builds `count` banks with distinct id spellings. */
export function buildBanks(count: number, rng: Rng): BankTable {
  const ids = bankIds(count, rng);
  const countries = bankCountries(count, rng);
  const names = bankNames(countries, rng);
  const currency = Uint8Array.from(countries, (country) => currencyCode(country.currency));

  const idOffset = new Uint32Array(count + 1);
  ids.forEach((id, bank) => {
    idOffset[bank + 1] = (idOffset[bank] as number) + id.length;
  });
  const idBytes = Buffer.from(ids.join(''), 'latin1');

  return { count, ids, names, currency, idBytes, idOffset };
}

/**
 * Increasing bank numbers with random gaps, padded with one zero, sometimes two or three (at
 * least three characters, at most eight), as in the real files. A few banks reuse an earlier
 * number with one more zero: the `011` / `0011` collision the real files have.
 */
function bankIds(count: number, rng: Rng): string[] {
  const seen = new Set<string>();
  const ids: string[] = [];
  const maxGap = Math.max(1, Math.min(20, Math.floor(9_000_000 / count)));
  let number = rng.below(30);

  while (ids.length < count) {
    const earlier = ids[rng.below(ids.length)];
    const collision = earlier !== undefined && earlier.length < 8 && rng.float() < COLLISION_SHARE;
    const id = collision ? `0${earlier}` : padBankNumber(number, rng);

    if (!collision) number += 1 + rng.below(maxGap);
    if (seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  return ids;
}

function padBankNumber(number: number, rng: Rng): string {
  const roll = rng.float();
  const zeros = roll < 0.8 ? 1 : roll < 0.98 ? 2 : 3;
  const padded = `${'0'.repeat(zeros)}${number}`.padStart(3, '0');
  return padded.length <= 8 ? padded : padded.slice(padded.length - 8);
}

function bankCountries(count: number, rng: Rng): Country[] {
  const usTop = Math.max(1, Math.ceil(count * US_TOP_SHARE));
  const us = COUNTRIES[0] as Country;

  return Array.from({ length: count }, (_, bank) => {
    return bank < usTop ? us : (COUNTRIES[rng.pick(COUNTRY_TABLE)] as Country);
  });
}

function bankNames(countries: readonly Country[], rng: Rng): string[] {
  const perCountry = new Map<string, number>();

  return countries.map((country) => {
    if (country.name === 'US') return usBankName(rng);

    // Real names count up per country but not from 1 (`China Bank #2820`): start somewhere.
    const next = perCountry.get(country.name) ?? 1 + rng.below(50);
    perCountry.set(country.name, next + 1 + rng.below(3));
    return `${country.name} Bank #${next}`;
  });
}

function usBankName(rng: Rng): string {
  const pattern = US_PATTERNS[rng.below(US_PATTERNS.length)] as string;
  const city = US_CITIES[rng.below(US_CITIES.length)] as string;
  return pattern.replace('#', city);
}
