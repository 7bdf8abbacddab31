/**
 * The key an account is matched by between the transactions and the accounts file: the bank
 * id without leading zeros (`010` in transactions is `10` in accounts), NUL, the account, as
 * UTF-8 bytes. It is written into one buffer reused for every key, so matching 500 K nodes
 * against 500 K accounts rows makes no strings (with a Map of string keys it took 1.3 s).
 * NUL cannot occur in a valid field, so two different accounts never share a key.
 */
export class MatchKey {
  bytes = Buffer.allocUnsafe(256);
  start = 0;
  end = 0;

  /**
   * The key of a node from its merge key bytes `key[start, end)`: `bank,account`, or `bank NUL
   * account` when a quoted field held a comma (`internAccount`, src/ingest/parse-chunk.ts).
   * The same bytes as `setFields` gives an accounts row with these two fields.
   */
  setNode(key: Uint8Array, start: number, end: number): void {
    this.setNodeAt(0, key, start, end);
  }

  /**
   * `setNode` with the key written from `bytes[at]` on, after keys written before it, which
   * are kept when the buffer grows: how a batch of keys is made for `ByteDict.findAll`.
   */
  setNodeAt(at: number, key: Uint8Array, start: number, end: number): void {
    if (at + end - start + 1 > this.bytes.length) {
      const next = Buffer.allocUnsafe(2 * (at + end - start + 1));
      this.bytes.copy(next, 0, 0, at);
      this.bytes = next;
    }
    // Byte loops: keys are ~20 bytes, and two subarray views per node cost more than that.
    const cut = separator(key, start, end);
    const b = cut - start;
    const out = this.bytes;
    for (let i = 0; i < b; i++) out[at + i] = key[start + i]!;
    this.start = at + leadingZeros(out, at, b);
    out[at + b] = 0;
    for (let i = cut + 1; i < end; i++) out[at + i - start] = key[i]!;
    this.end = at + end - start;
  }

  /**
   * The key of an accounts-file row from its Bank ID field `src[bs, be)` and Account Number
   * field `src[as, ae)`. The bank's bytes start at 0, so `start` is the zeros it lost.
   */
  setFields(src: Uint8Array, bs: number, be: number, as: number, ae: number): void {
    const b = be - bs;
    const most = b + 1 + ae - as;
    if (most > this.bytes.length) this.bytes = Buffer.allocUnsafe(2 * most);

    const out = this.bytes;
    for (let i = 0; i < b; i++) out[i] = src[bs + i]!;
    this.start = leadingZeros(out, 0, b);
    out[b] = 0;
    for (let i = as; i < ae; i++) out[b + 1 + i - as] = src[i]!;
    this.end = most;
  }
}

/**
 * Leading zeros of a bank id (`bytes[at, at + b)`) that its match key leaves out; an id of
 * zeros only keeps one.
 */
function leadingZeros(bytes: Uint8Array, at: number, b: number): number {
  let z = 0;
  while (z < b - 1 && bytes[at + z] === 0x30) z++;
  return z;
}

/** Where bank and account meet in a merge key: its NUL if it has one, else its first comma. */
export function separator(key: Uint8Array, start: number, end: number): number {
  let comma = -1;
  for (let i = start; i < end; i++) {
    if (key[i] === 0) return i;
    if (comma === -1 && key[i] === 0x2c) comma = i;
  }
  return comma;
}
