// Node ids and categorical dictionaries (SPEC §2, §12).
import { stripZeros, type AccountRow, type Transaction } from './parse.js';

export interface NodeInfo {
  readonly id: number;
  readonly bank: string;
  readonly account: string;
  /** The matching accounts-file row's entity type, if any. */
  entityType: string | null;
}

export interface Identity {
  readonly nodes: NodeInfo[];
  /** Per transaction: [sender id, receiver id]. */
  readonly ends: Array<readonly [number, number]>;
}

const exactKey = (bank: string, account: string): string => `${bank}\u0000${account}`;
const strippedKey = (bank: string, account: string): string => exactKey(stripZeros(bank), account);

/** Compares by Unicode code point, not UTF-16 unit as `Array.prototype.sort` does. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Sorted distinct values: index = code. */
export function dictionary(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

/**
 * Ids by first appearance (sender before receiver), then accounts-file-only accounts in
 * file order. Transaction spellings are exact (`011` ≠ `0011`); the accounts file meets
 * them with leading zeros stripped on both sides.
 */
export function assignIds(txs: readonly Transaction[], accounts: readonly AccountRow[]): Identity {
  const nodes: NodeInfo[] = [];
  const byExact = new Map<string, number>();
  const idOf = (bank: string, account: string): number => {
    const key = exactKey(bank, account);
    let id = byExact.get(key);
    if (id === undefined) {
      id = nodes.length;
      nodes.push({ id, bank, account, entityType: null });
      byExact.set(key, id);
    }
    return id;
  };
  const ends = txs.map((t): readonly [number, number] => [
    idOf(t.fromBank, t.fromAccount),
    idOf(t.toBank, t.toAccount),
  ]);

  // Every transaction spelling that strips to an accounts row's key takes its entity type.
  const byStripped = new Map<string, number[]>();
  for (const n of nodes) {
    const key = strippedKey(n.bank, n.account);
    byStripped.set(key, [...(byStripped.get(key) ?? []), n.id]);
  }
  const seen = new Set<string>();
  for (const a of accounts) {
    const key = strippedKey(a.bankId, a.accountNumber);
    if (seen.has(key)) continue; // a repeated accounts row: the first one counts
    seen.add(key);
    const matched = byStripped.get(key);
    if (matched === undefined) {
      nodes.push({
        id: nodes.length,
        bank: a.bankId,
        account: a.accountNumber,
        entityType: a.entityType,
      });
    } else {
      for (const id of matched) (nodes[id] as NodeInfo).entityType = a.entityType;
    }
  }
  return { nodes, ends };
}
