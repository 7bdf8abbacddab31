/**
 * Bounds checks of an Arrow IPC file's flatbuffers (its footer and each message's header)
 * before Arrow JS decodes them. Arrow JS trusts every length it reads: a changed byte that
 * turns a vector's length into a billion made it build a billion objects (the process died
 * out of memory) or walk that far. Here every vector, string and table the decoder will reach
 * must lie inside its buffer, and the walk is bounded, so a damaged file is an error.
 */

/** How a flatbuffer table's fields are read: only the ones that point elsewhere matter. */
type FieldKind =
  | { kind: 'table' | 'tables'; spec: Spec }
  | { kind: 'vector'; elementBytes: number }
  | { kind: 'string' };

/** Field index → kind; fields not listed are scalars (a wrong scalar is only a wrong value). */
type TableSpec = { readonly [field: number]: FieldKind };

/** A table's fields, or how to tell them from the table (a union's member by its type). */
type Spec = TableSpec | ((table: FlatTable) => TableSpec);

const KEY_VALUE: TableSpec = { 0: { kind: 'string' }, 1: { kind: 'string' } };
const METADATA: FieldKind = { kind: 'tables', spec: KEY_VALUE };
const SCALARS_ONLY: TableSpec = {};

/** Arrow's Type union: Timestamp (10) holds a time zone string, Union (14) its type ids. */
function typeSpec(field: FlatTable): TableSpec {
  const typeType = field.scalarByte(2);
  if (typeType === 10) return { 1: { kind: 'string' } };
  if (typeType === 14) return { 1: { kind: 'vector', elementBytes: 4 } };
  return SCALARS_ONLY;
}

const DICTIONARY_ENCODING: TableSpec = { 1: { kind: 'table', spec: SCALARS_ONLY } };

const FIELD: TableSpec = {
  0: { kind: 'string' },
  3: { kind: 'table', spec: typeSpec },
  4: { kind: 'table', spec: DICTIONARY_ENCODING },
  // A field's children are fields.
  5: { kind: 'tables', spec: () => FIELD },
  6: METADATA,
};

const SCHEMA: TableSpec = {
  1: { kind: 'tables', spec: FIELD },
  2: METADATA,
  3: { kind: 'vector', elementBytes: 8 },
};

/** A Block struct: offset (int64), metaDataLength (int32, padded), bodyLength (int64). */
const BLOCK_BYTES = 24;

const FOOTER: TableSpec = {
  1: { kind: 'table', spec: SCHEMA },
  2: { kind: 'vector', elementBytes: BLOCK_BYTES },
  3: { kind: 'vector', elementBytes: BLOCK_BYTES },
  4: METADATA,
};

const RECORD_BATCH: TableSpec = {
  1: { kind: 'vector', elementBytes: 16 },
  2: { kind: 'vector', elementBytes: 16 },
  3: { kind: 'table', spec: SCALARS_ONLY },
  4: { kind: 'vector', elementBytes: 8 },
};

const DICTIONARY_BATCH: TableSpec = { 1: { kind: 'table', spec: RECORD_BATCH } };

/** Message header types amlprep's files hold (Arrow's MessageHeader). */
export const DICTIONARY_MESSAGE = 2;
export const RECORD_BATCH_MESSAGE = 3;

function messageSpec(header: number): TableSpec {
  return {
    2: { kind: 'table', spec: header === RECORD_BATCH_MESSAGE ? RECORD_BATCH : DICTIONARY_BATCH },
    4: METADATA,
  };
}

/** More tables than any footer of a few hundred columns holds: a cycle or a fan of links. */
const MAX_TABLES = 100_000;
const MAX_DEPTH = 64;

class FlatDamage extends Error {}

/** One table of a flatbuffer, its vtable checked to lie inside the buffer. */
class FlatTable {
  readonly #vtable: number;
  readonly #vtableBytes: number;
  readonly #tableBytes: number;

  constructor(
    readonly bytes: Buffer,
    readonly at: number,
  ) {
    inside(bytes, at, 4);
    const vtable = at - bytes.readInt32LE(at);
    inside(bytes, vtable, 4);
    this.#vtable = vtable;
    this.#vtableBytes = bytes.readUInt16LE(vtable);
    this.#tableBytes = bytes.readUInt16LE(vtable + 2);
    if (this.#vtableBytes < 4 || this.#tableBytes < 4) throw new FlatDamage('short table');
    inside(bytes, vtable, this.#vtableBytes);
    inside(bytes, at, this.#tableBytes);
  }

  /** Where field `index` is in the buffer, or null when the table leaves it out. */
  field(index: number, bytes: number): number | null {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.#vtableBytes) return null;
    const offset = this.bytes.readUInt16LE(this.#vtable + slot);
    if (offset === 0) return null;
    if (offset + bytes > this.#tableBytes) throw new FlatDamage('field past its table');
    return this.at + offset;
  }

  scalarByte(index: number): number {
    const at = this.field(index, 1);
    return at === null ? 0 : this.bytes.readUInt8(at);
  }

  /** The table, vector or string a field's offset points to. */
  target(index: number): number | null {
    const at = this.field(index, 4);
    if (at === null) return null;
    return at + this.bytes.readUInt32LE(at);
  }
}

function inside(bytes: Buffer, at: number, length: number): void {
  if (!Number.isSafeInteger(at) || at < 0 || at + length > bytes.length) {
    throw new FlatDamage('reference past the end');
  }
}

/** The number of elements of the vector at `at`, checked to fit in the buffer. */
function vectorLength(bytes: Buffer, at: number, elementBytes: number): number {
  inside(bytes, at, 4);
  const length = bytes.readUInt32LE(at);
  inside(bytes, at + 4, length * elementBytes);
  return length;
}

class Walk {
  #tables = 0;

  constructor(readonly bytes: Buffer) {}

  table(at: number, spec: Spec, depth = 0): FlatTable {
    if (++this.#tables > MAX_TABLES || depth > MAX_DEPTH) throw new FlatDamage('too many tables');
    const table = new FlatTable(this.bytes, at);
    const fields = typeof spec === 'function' ? spec(table) : spec;
    for (const [key, kind] of Object.entries(fields)) {
      const target = table.target(Number(key));
      if (target !== null) this.#field(target, kind, depth);
    }
    return table;
  }

  #field(at: number, kind: FieldKind, depth: number): void {
    if (kind.kind === 'table') {
      this.table(at, kind.spec, depth + 1);
    } else if (kind.kind === 'string') {
      vectorLength(this.bytes, at, 1);
    } else if (kind.kind === 'vector') {
      vectorLength(this.bytes, at, kind.elementBytes);
    } else {
      // A vector of offsets, each to a table.
      const length = vectorLength(this.bytes, at, 4);
      for (let i = 0; i < length; i++) {
        const slot = at + 4 + 4 * i;
        this.table(slot + this.bytes.readUInt32LE(slot), kind.spec, depth + 1);
      }
    }
  }
}

/** A message's place in the file, as the footer lists it. */
export interface FileBlock {
  offset: number;
  metaDataLength: number;
}

/**
 * The footer's problem, or null: its bytes as Arrow JS will decode them (the flatbuffer that
 * ends 10 bytes before the end of the file). Gives the blocks it lists when it has none.
 */
export function footerProblem(
  footer: Buffer,
): { problem: string } | { dictionaries: FileBlock[]; batches: FileBlock[] } {
  try {
    inside(footer, 0, 4);
    const walk = new Walk(footer);
    const table = walk.table(footer.readUInt32LE(0), FOOTER);
    return { dictionaries: blocks(table, 2), batches: blocks(table, 3) };
  } catch (error) {
    if (error instanceof FlatDamage) return { problem: `footer: ${error.message}` };
    throw error;
  }
}

function blocks(footer: FlatTable, index: number): FileBlock[] {
  const at = footer.target(index);
  if (at === null) return [];
  const length = footer.bytes.readUInt32LE(at);
  const list: FileBlock[] = [];
  for (let i = 0; i < length; i++) {
    const block = at + 4 + BLOCK_BYTES * i;
    const offset = Number(footer.bytes.readBigInt64LE(block));
    list.push({ offset, metaDataLength: footer.bytes.readInt32LE(block + 8) });
  }
  return list;
}

/**
 * The problem of one message's framing and header, or null: `bytes` are the block's first
 * metaDataLength bytes (the continuation marker, the header's length, the header).
 */
export function messageProblem(bytes: Buffer, header: number): string | null {
  try {
    inside(bytes, 0, 8);
    if (bytes.readInt32LE(0) !== -1) throw new FlatDamage('no continuation marker');
    const length = bytes.readInt32LE(4);
    inside(bytes, 8, length);
    const flat = bytes.subarray(8, 8 + length);
    inside(flat, 0, 4);
    const walk = new Walk(flat);
    const message = walk.table(flat.readUInt32LE(0), (table) => {
      if (table.scalarByte(1) !== header) throw new FlatDamage('another kind of message');
      return messageSpec(header);
    });
    if (message.target(2) === null) throw new FlatDamage('no message header');
    return null;
  } catch (error) {
    if (error instanceof FlatDamage) return `message header: ${error.message}`;
    throw error;
  }
}
