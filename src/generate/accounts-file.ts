import type { BankTable } from './banks.js';
import { COMMA, NEWLINE, ZERO, copyAll, writeHex8, writeUint } from './bytes.js';
import type { FileSink } from './file-sink.js';
import { Rng } from './rng.js';
import { ACCOUNTS_HEADER, ENTITY_KINDS } from './vocab.js';
import { STREAM, type World } from './world.js';

/** Longest accounts line: bank name, ids and the longest entity name, with room to spare. */
const MAX_LINE_BYTES = 160;

/**
 * Writes every account, transacting or not, in random order, the way the real accounts files
 * list them. Bank IDs lose their zero padding here (`10` for `010`), as in the real files.
 */
export async function writeAccounts(
  sink: FileSink,
  world: World,
  seed: number,
  stopIfAborted: () => void = () => {},
): Promise<void> {
  const order = new Rng(seed, STREAM.accountsFile).permutation(world.accounts.count);
  const encoder = new AccountLineEncoder(world);

  await sink.writeText(`${ACCOUNTS_HEADER}\n`);
  let next = 0;
  while (next < order.length) {
    stopIfAborted();
    const limit = sink.buffer.length - MAX_LINE_BYTES;
    // Filled synchronously between drains: an await per line would cost more than the line.
    for (; next < order.length && sink.position <= limit; next++) {
      sink.position = encoder.encode(sink.buffer, sink.position, order[next] as number);
    }
    await sink.drain();
  }
}

/** `010` → `10`, `000` → `0`. */
export function stripZeros(id: string): string {
  const stripped = id.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

/** Writes `Bank Name,Bank ID,Account Number,Entity ID,Entity Name` lines as bytes. */
class AccountLineEncoder {
  readonly #world: World;
  /** Per bank: `Bank Name,Bank ID,` with the id unpadded. */
  readonly #bankPrefix: Buffer[];
  /** Per entity kind: `,Corporation #`. */
  readonly #kindPrefix = ENTITY_KINDS.map((kind) => Buffer.from(`,${kind} #`, 'latin1'));

  constructor(world: World) {
    this.#world = world;
    this.#bankPrefix = bankPrefixes(world.banks);
  }

  encode(out: Buffer, pos: number, account: number): number {
    const { accounts } = this.#world;
    const { entities } = accounts;
    const entity = accounts.entity[account] as number;

    pos = copyAll(out, pos, this.#bankPrefix[accounts.bank[account] as number] as Buffer);
    pos = writeHex8(out, pos, accounts.number[account] as number);
    out[pos++] = ZERO + (accounts.crypto[account] as number);
    out[pos++] = COMMA;
    pos = writeHex8(out, pos, entities.id[entity] as number);
    out[pos++] = ZERO;

    pos = copyAll(out, pos, this.#kindPrefix[entities.kind[entity] as number] as Buffer);
    pos = writeUint(out, pos, entities.serial[entity] as number);
    out[pos++] = NEWLINE;
    return pos;
  }
}

function bankPrefixes(banks: BankTable): Buffer[] {
  return banks.ids.map((id, bank) => {
    return Buffer.from(`${banks.names[bank] as string},${stripZeros(id)},`, 'latin1');
  });
}
