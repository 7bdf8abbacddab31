/** The fixed vocabulary of the AMLworld files: header, currencies, formats and entity kinds. */

export const TRANSACTIONS_HEADER =
  'Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,' +
  'Amount Paid,Payment Currency,Payment Format,Is Laundering';

export const ACCOUNTS_HEADER = 'Bank Name,Bank ID,Account Number,Entity ID,Entity Name';

/** The 15 currencies of AMLworld, in code point order. */
export const CURRENCIES = [
  'Australian Dollar',
  'Bitcoin',
  'Brazil Real',
  'Canadian Dollar',
  'Euro',
  'Mexican Peso',
  'Ruble',
  'Rupee',
  'Saudi Riyal',
  'Shekel',
  'Swiss Franc',
  'UK Pound',
  'US Dollar',
  'Yen',
  'Yuan',
] as const;

export type Currency = (typeof CURRENCIES)[number];

/** Index of a currency in `CURRENCIES`. */
export function currencyCode(name: Currency): number {
  return CURRENCIES.indexOf(name);
}

export const BITCOIN = currencyCode('Bitcoin');
export const US_DOLLAR = currencyCode('US Dollar');

/**
 * Units of each currency per US dollar, fixed at roughly their September 2022 values. Every
 * cross-currency row converts with these, so Received / Paid is always the ratio of two rates.
 */
export const UNITS_PER_USD: Readonly<Record<Currency, number>> = {
  'Australian Dollar': 1.46,
  Bitcoin: 0.0000513,
  'Brazil Real': 5.2,
  'Canadian Dollar': 1.31,
  Euro: 0.99,
  'Mexican Peso': 20.0,
  Ruble: 60.5,
  Rupee: 79.6,
  'Saudi Riyal': 3.76,
  Shekel: 3.43,
  'Swiss Franc': 0.97,
  'UK Pound': 0.86,
  'US Dollar': 1,
  Yen: 143.5,
  Yuan: 6.92,
};

/** Decimal places an amount in this currency is written with (Bitcoin: 6, the rest: 2). */
export function decimalsOf(currency: number): number {
  return currency === BITCOIN ? 6 : 2;
}

/** The 7 payment formats of AMLworld, in code point order. */
export const FORMATS = [
  'ACH',
  'Bitcoin',
  'Cash',
  'Cheque',
  'Credit Card',
  'Reinvestment',
  'Wire',
] as const;

export type PaymentFormat = (typeof FORMATS)[number];

export const FORMAT = {
  ach: 0,
  bitcoin: 1,
  cash: 2,
  cheque: 3,
  creditCard: 4,
  reinvestment: 5,
  wire: 6,
} as const;

export const ENTITY_KINDS = [
  'Corporation',
  'Partnership',
  'Sole Proprietorship',
  'Individual',
] as const;

/** The eight laundering typologies of the AMLworld patterns files. */
export const TYPOLOGIES = [
  'FAN-OUT',
  'FAN-IN',
  'CYCLE',
  'SCATTER-GATHER',
  'GATHER-SCATTER',
  'STACK',
  'BIPARTITE',
  'RANDOM',
] as const;

export type Typology = (typeof TYPOLOGIES)[number];
