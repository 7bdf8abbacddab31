import { buildAccounts, type AccountTable } from './accounts.js';
import { buildBanks, type BankTable } from './banks.js';
import { CounterpartyPicker } from './counterparties.js';
import { Rng } from './rng.js';
import { RowEncoder } from './row-encoder.js';

/** Everything about the simulated economy that rows are drawn from. */
export interface World {
  readonly banks: BankTable;
  readonly accounts: AccountTable;
  readonly picker: CounterpartyPicker;
  readonly encoder: RowEncoder;
}

/** Each part draws from its own stream, so tuning one part leaves the others' output alone. */
export const STREAM = {
  banks: 1,
  accounts: 2,
  picker: 3,
  laundering: 4,
  rows: 5,
  accountsFile: 6,
} as const;

/** Average accounts per bank; HI-Small has about 515,000 accounts in about 30,000 banks. */
const ACCOUNTS_PER_BANK = 17;

export function buildWorld(accountCount: number, seed: number): World {
  const bankCount = Math.max(2, Math.round(accountCount / ACCOUNTS_PER_BANK));
  const banks = buildBanks(bankCount, new Rng(seed, STREAM.banks));
  const accounts = buildAccounts(accountCount, banks, new Rng(seed, STREAM.accounts));
  const picker = new CounterpartyPicker(accounts, new Rng(seed, STREAM.picker));
  return { banks, accounts, picker, encoder: new RowEncoder(banks, accounts) };
}
