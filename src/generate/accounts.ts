import type { BankTable } from './banks.js';
import { cumulative, type Rng } from './rng.js';
import { BITCOIN, ENTITY_KINDS } from './vocab.js';

/**
 * The generated accounts, as parallel typed arrays indexed by account (no per-account
 * objects: there can be millions). Account numbers print as 8 hex digits of `number` plus
 * a kind digit, `0` for fiat and `1` for Bitcoin accounts, as in the real files.
 */
export interface AccountTable {
  readonly count: number;
  readonly bank: Int32Array;
  readonly number: Uint32Array;
  /** 1 for a Bitcoin account: it pays in Bitcoin whatever its bank. */
  readonly crypto: Uint8Array;
  readonly entity: Int32Array;
  readonly entities: EntityTable;
}

/** Owners of accounts; one entity may hold accounts at several banks. */
export interface EntityTable {
  readonly count: number;
  /** Printed as 8 hex digits plus `0`, like `800D8CCF0`. */
  readonly id: Uint32Array;
  /** Index into ENTITY_KINDS. */
  readonly kind: Uint8Array;
  /** The number after `#` in the entity name. */
  readonly serial: Int32Array;
}

/** Bank sizes fall off as u^BANK_SKEW, so a few banks hold a large share of the accounts. */
const BANK_SKEW = 2.2;

/** Share of fiat-bank accounts that are Bitcoin accounts. */
const CRYPTO_SHARE = 0.025;

/** Share of accounts that belong to an entity already holding another account. */
const SHARED_ENTITY_SHARE = 0.1;

const KIND_TABLE = cumulative([0.32, 0.37, 0.3, 0.01]);

/** Real numbers run from about 0x80000000 to 0x82400000; ours spread over that range too. */
const ACCOUNT_NUMBER_RANGE = 0x2400000;
const ENTITY_ID_RANGE = 0x1600000;
const NUMBER_BASE = 0x80000000;

export function buildAccounts(count: number, banks: BankTable, rng: Rng): AccountTable {
  const bank = new Int32Array(count);
  const crypto = new Uint8Array(count);

  for (let account = 0; account < count; account++) {
    const home = Math.floor(banks.count * rng.float() ** BANK_SKEW);
    bank[account] = home;
    crypto[account] = banks.currency[home] === BITCOIN || rng.float() < CRYPTO_SHARE ? 1 : 0;
  }

  const number = increasingNumbers(count, ACCOUNT_NUMBER_RANGE, rng);
  const entity = new Int32Array(count);
  const entities = buildEntities(entity, rng);
  return { count, bank, number, crypto, entity, entities };
}

/** Currency code an account pays in: Bitcoin for Bitcoin accounts, else its bank's. */
export function homeCurrency(accounts: AccountTable, banks: BankTable, account: number): number {
  if (accounts.crypto[account] === 1) return BITCOIN;
  return banks.currency[accounts.bank[account] as number] as number;
}

/** Accounts in index order: fiat (0), Bitcoin (1) or all of them. */
export function accountsOfKind(accounts: AccountTable, kind: 0 | 1 | 'any'): Int32Array {
  const chosen = new Int32Array(accounts.count);
  let length = 0;
  for (let account = 0; account < accounts.count; account++) {
    if (kind === 'any' || accounts.crypto[account] === kind) chosen[length++] = account;
  }
  return chosen.slice(0, length);
}

/** Fills `owner` with an entity per account and returns the entity table. */
function buildEntities(owner: Int32Array, rng: Rng): EntityTable {
  let count = 0;
  for (let account = 0; account < owner.length; account++) {
    const shared = account > 0 && rng.float() < SHARED_ENTITY_SHARE;
    owner[account] = shared ? (owner[rng.below(account)] as number) : count++;
  }

  const kind = new Uint8Array(count);
  const serial = new Int32Array(count);
  const nextSerial = ENTITY_KINDS.map(() => 1 + rng.below(500));
  for (let entity = 0; entity < count; entity++) {
    const entityKind = rng.pick(KIND_TABLE);
    kind[entity] = entityKind;
    serial[entity] = nextSerial[entityKind] as number;
    nextSerial[entityKind] = (nextSerial[entityKind] as number) + 1 + rng.below(2);
  }

  const id = increasingNumbers(count, ENTITY_ID_RANGE, rng);
  return { count, id, kind, serial };
}

/**
 * Distinct 32-bit values from NUMBER_BASE upwards with random gaps that average out to fill
 * about `range`. Distinct by construction, so no two accounts can share a number.
 */
function increasingNumbers(count: number, range: number, rng: Rng): Uint32Array {
  const values = new Uint32Array(count);
  const maxGap = Math.max(1, Math.floor((2 * range) / Math.max(1, count)));
  let value = NUMBER_BASE + rng.below(maxGap);

  for (let index = 0; index < count; index++) {
    values[index] = value;
    value += 1 + rng.below(maxGap);
  }
  return values;
}
