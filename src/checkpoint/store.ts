import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  rmdirSync,
  rmSync,
  statfsSync,
  unlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import { open, type Database, type RootDatabase } from 'lmdb';

import { deniedAccess, deniedMessage } from '../access.js';
import { AmlprepError, CheckpointError } from '../errors.js';
import { makeFolders } from '../make-folders.js';
import { cannotWrite, isUnwritable } from './folder.js';
import type { StepName } from '../options.js';
import { Scratch } from '../scratch-buffer.js';
import { checksum, decodePayload, encodePayload, type Column, type Payload } from './payload.js';

/** What a step's completion record says (SPEC §10). */
export interface StepRecord {
  step: StepName;
  fingerprint: string;
  /** The inputs of the fingerprint, so a mismatch can be explained. */
  basis: Record<string, unknown>;
  finishedAt: string;
  durationMs: number;
  counts: Record<string, number>;
  options: Record<string, unknown>;
  chunks: number;
  /** CRC-32 of the step's chunk checksums, in chunk order. */
  checksum: number;
  /** Small step results (scaler stats, class weights, …) kept in the record itself. */
  result?: unknown;
}

export interface ChunkRecord {
  checksum: number;
  bytes: number;
  rows: number;
  finishedAt: string;
}

/** A chunk recorded as cut into `pieces` after running out of memory under `heapMb`. */
export interface SplitRecord {
  pieces: number;
  heapMb: number | null;
}

/**
 * A step's chunk count under its latest fingerprint. `basis` (what the fingerprint was made
 * of) is missing from records of versions before it was kept.
 */
export interface PlanRecord {
  fingerprint: string;
  chunks: number;
  basis?: Record<string, unknown>;
  /** The transactions file's name (not its path), for the default folder's check. */
  transactions?: string;
}

export const STORE_FILE = 'checkpoints.mdb';

/**
 * The checkpoint store: one LMDB environment in the output folder. Durability words used here:
 * - recorded: the commit is visible to any later reader, so it survives a process kill
 *   (the pages are in the OS page cache);
 * - durable: the commit has been flushed to disk, so it also survives power loss.
 * A chunk's payload and its record are written in one transaction: both or neither.
 */
export class CheckpointStore {
  readonly path: string;
  readonly #root: RootDatabase;
  readonly #steps: Database<StepRecord, string>;
  readonly #chunks: Database<ChunkRecord, string>;
  readonly #payloads: Database<Buffer, string>;
  readonly #scratch = new Scratch((n) => Buffer.allocUnsafeSlow(n));
  readonly #plans: Database<PlanRecord, string>;
  /** Chunks a worker could only finish cut into pieces: chunk key → number of pieces. */
  readonly #splits: Database<SplitRecord | number, string>;

  private constructor(path: string, root: RootDatabase) {
    this.path = path;
    this.#root = root;
    this.#steps = root.openDB<StepRecord, string>({ name: 'steps' });
    this.#chunks = root.openDB<ChunkRecord, string>({ name: 'chunks' });
    this.#payloads = root.openDB<Buffer, string>({ name: 'payloads', encoding: 'binary' });
    this.#plans = root.openDB({ name: 'plans' });
    this.#splits = root.openDB<SplitRecord | number, string>({ name: 'splits' });
  }

  /**
   * Notes how many chunks a step has, so `status` can say "k of n" for an unfinished step, and
   * what its fingerprint was made of, so a rerun can say why those chunks no longer serve.
   */
  async recordPlan(step: StepName, plan: Required<PlanRecord>): Promise<void> {
    const known = this.plan(step);
    const same = (['fingerprint', 'chunks', 'transactions'] as const).every(
      (key) => known?.[key] === plan[key],
    );
    if (same) return;
    await this.#guard(
      `the plan of ${step}`,
      (async () => this.#root.transactionSync(() => this.#plans.putSync(step, plan)))(),
    );
  }

  plan(step: StepName): PlanRecord | undefined {
    return this.#read(() => this.#plans.get(step));
  }

  /** Chunk records of `step` made under a fingerprint other than `fingerprint`. */
  otherChunks(step: StepName, fingerprint: string): number {
    const keep = `${step}:${fingerprint}:`;
    let count = 0;
    this.#read(() => {
      for (const key of this.#chunks.getKeys({ start: `${step}:` })) {
        if (!key.startsWith(`${step}:`)) break;
        if (!key.startsWith(keep)) count++;
      }
    });
    return count;
  }

  /**
   * Opens (or creates) the store. A file that is not an LMDB environment is refused before
   * LMDB sees it (LMDB trusts its meta pages and can crash on garbage); with `fresh` it is
   * removed and a new store created instead.
   */
  static open(dir: string, options: { fresh?: boolean; readOnly?: boolean } = {}): CheckpointStore {
    const path = join(dir, STORE_FILE);
    refuseDenied(path, options.readOnly !== true);
    // --fresh starts a new store rather than emptying the old one: a store with damaged pages
    // failed as its tables were cleared (a fresh-user trial), and an empty one is smaller.
    if (
      options.fresh === true &&
      options.readOnly !== true &&
      lstatSync(path, { throwIfNoEntry: false })?.isFile() === true
    ) {
      CheckpointStore.remove(dir);
    }
    let problem = storeFileProblem(path);
    // A file of no bytes is one LMDB had just created when a kill came: it holds nothing,
    // so a run makes the store in its place (reading it, there is nothing to read).
    if (problem === EMPTY_FILE && options.readOnly !== true) {
      rmSync(path);
      problem = null;
    }
    if (problem === DIRECTORY && !isEmptyFolder(path)) {
      throw new CheckpointError(
        `the checkpoint store ${path} is a folder with files in it, not an LMDB file; move ` +
          'it away and rerun (amlprep never removes a folder of files)',
      );
    }
    if (problem !== null && options.fresh === true) {
      // An empty folder in the store's place holds nothing: --fresh replaces it.
      if (problem === DIRECTORY) removeEmptyFolder(path);
      CheckpointStore.remove(dir);
    } else if (problem === DIRECTORY) {
      throw new CheckpointError(
        `the checkpoint store ${path} is an empty folder, not an LMDB file; rerun with ` +
          `--fresh to replace it, or remove it with 'amlprep clean ${dir}'`,
      );
    } else if (problem !== null) {
      throw new CheckpointError(
        `the checkpoint store ${path} is damaged (${problem}); rerun with --fresh to start ` +
          `over, or remove it with 'amlprep clean ${dir}'`,
      );
    }
    if (options.readOnly === true) return CheckpointStore.#openReadOnly(path);
    const damage = options.fresh === true ? null : CheckpointStore.damage(dir);
    if (damage !== null) throw damagedStoreError(new Error(damage), dir);
    if (options.fresh !== true && existsSync(path) && !CheckpointStore.isOurs(dir)) {
      throw new CheckpointError(
        `${path} is an LMDB file without amlprep's tables, not an amlprep checkpoint store; ` +
          'choose another output folder, or rerun with --fresh to use it as one',
      );
    }
    try {
      return CheckpointStore.#openRoot(dir, path);
    } catch (error) {
      // LMDB can still refuse a file that passed the checks (e.g. MDB_INCOMPATIBLE):
      // --fresh means starting over, so the store is replaced.
      if (options.fresh !== true) throw error;
      CheckpointStore.remove(dir);
      return CheckpointStore.#openRoot(dir, path);
    }
  }

  /**
   * For readers (`status`): no folder is made and nothing is written, so a finished run on
   * read-only media can still be listed.
   */
  static #openReadOnly(path: string): CheckpointStore {
    let store: CheckpointStore;
    try {
      store = new CheckpointStore(
        path,
        open({ path, compression: false, maxDbs: 8, readOnly: true }),
      );
    } catch (error) {
      const damaged = damagedStoreError(error, dirname(path));
      if (damaged !== error) throw damaged;
      const why = error instanceof Error ? error.message : String(error);
      throw new CheckpointError(`cannot read the checkpoint store ${path} (${why})`, error);
    }
    // Read-only, a table the file lacks opens as undefined: another program's LMDB file, or
    // one whose creation a kill cut short, which holds no record yet.
    if (!store.#hasTables()) {
      void store.#root.close();
      if (onlyOurTables(path)) {
        throw new CheckpointError(
          `${path} holds no records yet: a run was stopped while creating it; run again to ` +
            'start the steps',
        );
      }
      throw new CheckpointError(
        `${path} is an LMDB file without amlprep's tables, not an amlprep checkpoint store`,
      );
    }
    return store;
  }

  /**
   * Whether `dir` holds a store amlprep wrote: a sound LMDB file with amlprep's tables (every
   * run creates them as it opens the store). A file of that name from elsewhere does not
   * make a folder amlprep's.
   */
  static isOurs(dir: string): boolean {
    const path = join(dir, STORE_FILE);
    if (!existsSync(path) || storeFileProblem(path) !== null) return false;
    try {
      void CheckpointStore.#openReadOnly(path).#root.close();
      return true;
    } catch {
      return onlyOurTables(path);
    }
  }

  /**
   * Whether `dir` holds a store whose creation a kill cut short, so that it holds no record
   * yet: a file of no bytes, or an LMDB file with only some of amlprep's tables, all empty.
   * A run takes it as it is; readers see a store with nothing recorded.
   */
  static isUnfinished(dir: string): boolean {
    const path = join(dir, STORE_FILE);
    const problem = storeFileProblem(path);
    if (problem === EMPTY_FILE) return true;
    if (problem !== null) return false;
    const tables = ourTablesIn(path);
    return tables !== null && tables < TABLES.length;
  }

  /**
   * LMDB's words when the store's own pages are damaged where its tables are listed, or null:
   * such a store read as another program's file ("without amlprep's tables"), and `clean`
   * refused to remove it.
   */
  static damage(dir: string): string | null {
    const path = join(dir, STORE_FILE);
    if (!existsSync(path) || storeFileProblem(path) !== null) return null;
    let root: RootDatabase | null = null;
    try {
      root = open({ path, compression: false, maxDbs: 8, readOnly: true });
      for (const key of [...root.getKeys()]) {
        if (typeof key === 'string' && TABLES.includes(key)) root.openDB({ name: key });
      }
      return null;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      return DAMAGE.test(message) ? message : null;
    } finally {
      void root?.close();
    }
  }

  /**
   * Whether `dir` holds a file under the store's name that is damaged: cut short, a damaged
   * meta page, bytes that no longer start as an LMDB file (a zeroed first page), or pages
   * LMDB refuses where the tables are listed (`damage`). A file there is taken for a store
   * that broke: the run's message for it sends the user to --fresh and `clean` (a trial found
   * the folder refused by both when its manifest was gone too).
   */
  static isDamaged(dir: string): boolean {
    const problem = storeFileProblem(join(dir, STORE_FILE));
    if (problem !== null) return problem !== DIRECTORY && problem !== EMPTY_FILE;
    return CheckpointStore.damage(dir) !== null;
  }

  /**
   * Whether `dir` holds a sound LMDB file under the store's name without amlprep's tables:
   * another program's, which nothing of amlprep removes. (A file that is not LMDB at all is
   * a damaged store, which the run's message sends to `clean`.)
   */
  static isForeign(dir: string): boolean {
    const path = join(dir, STORE_FILE);
    return existsSync(path) && storeFileProblem(path) === null && !CheckpointStore.isOurs(dir);
  }

  #hasTables(): boolean {
    const tables = [this.#steps, this.#chunks, this.#payloads, this.#plans, this.#splits];
    return tables.every((t) => (t as unknown) !== undefined);
  }

  static #openRoot(dir: string, path: string): CheckpointStore {
    try {
      makeFolders(dir);
      // Durable settings: no noSync, no noMetaSync; commits are flushed in the background.
      const root = open({ path, compression: false, maxDbs: 8 });
      return new CheckpointStore(path, root);
    } catch (error) {
      // A read-only folder is not a damaged store: --fresh would not help there.
      if (isUnwritable(error)) throw cannotWrite(dir, `opening ${STORE_FILE}`, error);
      const why = error instanceof Error ? error.message : String(error);
      throw new CheckpointError(
        `cannot open the checkpoint store ${path} (${why}); rerun with --fresh to start over, ` +
          `or remove it with 'amlprep clean ${dir}'`,
        error,
      );
    }
  }

  /**
   * The name of the transactions file whose run the store holds, as its first step's plan
   * records it; undefined when none is recorded or the store cannot be read (the run's own
   * opening of the store then says why).
   */
  static async recordedTransactions(dir: string): Promise<string | undefined> {
    const path = join(dir, STORE_FILE);
    if (!existsSync(path) || storeFileProblem(path) !== null) return undefined;
    if (CheckpointStore.isUnfinished(dir) || CheckpointStore.isDamaged(dir)) return undefined;
    let store: CheckpointStore;
    try {
      store = CheckpointStore.#openReadOnly(path);
    } catch {
      return undefined;
    }
    try {
      return store.plan('data_loaded')?.transactions;
    } catch {
      return undefined;
    } finally {
      await store.close().catch(() => undefined);
    }
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, STORE_FILE));
  }

  step(step: StepName): StepRecord | undefined {
    return this.#read(() => this.#steps.get(step));
  }

  allSteps(): StepRecord[] {
    return this.#read(() => [...this.#steps.getRange()].map((e) => e.value));
  }

  chunk(step: StepName, fingerprint: string, index: number): ChunkRecord | undefined {
    return this.#read(() => this.#chunks.get(chunkKey(step, fingerprint, index)));
  }

  /** Chunk records of a step for one fingerprint, by index. */
  chunksOf(step: StepName, fingerprint: string): Map<number, ChunkRecord> {
    const prefix = `${step}:${fingerprint}:`;
    const out = new Map<number, ChunkRecord>();
    this.#read(() => {
      for (const { key, value } of this.#chunks.getRange({ start: prefix })) {
        if (!key.startsWith(prefix)) break;
        out.set(Number(key.slice(prefix.length)), value);
      }
    });
    return out;
  }

  /** Counts chunk records per step (any fingerprint), for `status`. */
  chunkCounts(): Map<string, number> {
    const out = new Map<string, number>();
    this.#read(() => {
      for (const key of this.#chunks.getKeys()) {
        const step = key.slice(0, key.indexOf(':'));
        out.set(step, (out.get(step) ?? 0) + 1);
      }
    });
    return out;
  }

  /** Records a chunk's result; resolves once recorded (visible to a rerun after a kill). */
  async recordChunk(
    step: StepName,
    fingerprint: string,
    index: number,
    rows: number,
    meta: unknown,
    arrays: Record<string, Column>,
  ): Promise<ChunkRecord> {
    // Encoded into the store's scratch buffer: nothing below awaits before LMDB copies it.
    const payload = encodePayload(meta, arrays, this.#scratch);
    const record: ChunkRecord = {
      checksum: checksum(payload),
      bytes: payload.length,
      rows,
      finishedAt: new Date().toISOString(),
    };
    const key = chunkKey(step, fingerprint, index);
    // A synchronous transaction: a failed commit (disk full) throws here, where it can be
    // reported, instead of inside lmdb-js's write thread callback.
    await this.#guard(
      `${step} chunk ${index}`,
      (async () =>
        this.#root.transactionSync(() => {
          this.#payloads.putSync(key, payload);
          this.#chunks.putSync(key, record);
        }))(),
    );
    return record;
  }

  /**
   * Records that a chunk ran out of memory whole and was cut into `pieces`, in its own
   * transaction as soon as the split is decided, before the pieces run: a rerun after a kill
   * then starts that chunk cut, instead of paying for the out-of-memory attempts again.
   * Resolves once recorded.
   */
  async recordSplit(
    step: StepName,
    fingerprint: string,
    index: number,
    split: SplitRecord,
  ): Promise<void> {
    const key = chunkKey(step, fingerprint, index);
    await this.#guard(
      `the split of ${step} chunk ${index}`,
      (async () => this.#root.transactionSync(() => this.#splits.putSync(key, split)))(),
    );
  }

  /**
   * Recorded splits of a step's chunks for one fingerprint and worker heap limit: chunk index
   * → pieces. A split decided under another limit says nothing about this one (a larger heap
   * may not need it), so it is ignored, as are records of older versions without a limit.
   */
  splitsOf(step: StepName, fingerprint: string, heapMb: number | null): Map<number, number> {
    const prefix = `${step}:${fingerprint}:`;
    const out = new Map<number, number>();
    this.#read(() => {
      for (const { key, value } of this.#splits.getRange({ start: prefix })) {
        if (!key.startsWith(prefix)) break;
        if (typeof value === 'number' || value.heapMb !== heapMb) continue;
        out.set(Number(key.slice(prefix.length)), value.pieces);
      }
    });
    return out;
  }

  /** A chunk's payload if present and intact; otherwise why it cannot be used. */
  loadChunk(
    step: StepName,
    fingerprint: string,
    index: number,
  ): { payload: Payload } | { problem: string } {
    const key = chunkKey(step, fingerprint, index);
    const record = this.chunk(step, fingerprint, index);
    if (record === undefined) return { problem: 'no record' };
    const bytes = this.#read(() => this.#payloads.getBinary(key));
    if (bytes === undefined) return { problem: 'record names a payload that is missing' };
    if (bytes.length !== record.bytes) return { problem: 'payload has the wrong length' };
    if (checksum(bytes) !== record.checksum) return { problem: 'payload checksum mismatch' };
    try {
      return { payload: decodePayload(bytes) };
    } catch (error) {
      return { problem: `payload cannot be decoded (${String(error)})` };
    }
  }

  /** Records a step's completion and waits until it is durable. */
  async recordStep(record: StepRecord): Promise<void> {
    // Synchronous, as every write here: an asynchronous put that LMDB failed to commit left a
    // rejection lmdb-js never let us handle, and it ended the process (exit 1, a stack, the
    // folder locked) on a store with a damaged page (trial L).
    await this.#guard(
      `step ${record.step}`,
      (async () => this.#root.transactionSync(() => this.#steps.putSync(record.step, record)))(),
    );
    await this.#guard(`step ${record.step}`, this.#root.flushed);
  }

  /**
   * A failed commit (disk full, I/O error) becomes a CheckpointError saying what to do. LMDB
   * aborts the whole transaction, so the store stays as it was before it: a rerun after
   * freeing space continues from there.
   */
  async #guard<T>(what: string, commit: Promise<T>): Promise<T> {
    try {
      return await commit;
    } catch (error) {
      // lmdb-js hangs the cause on a second, otherwise unobserved, rejected promise.
      const cause = (error as { commitError?: Promise<unknown> }).commitError;
      const detail = cause === undefined ? error : await cause.catch((e: unknown) => e);
      const damaged = damagedStoreError(detail, dirname(this.path));
      if (damaged !== detail) throw damaged;
      const why = detail instanceof Error ? detail.message : String(detail);
      // A transaction LMDB gave up on after an earlier failure inside it: a full disk, or a
      // damaged page it met. With room to spare on the disk it is the store (trials led to
      // free space that was free already).
      if (why.startsWith('MDB_BAD_TXN')) {
        const gaveUp = `cannot record ${what} in ${this.path} (MDB_BAD_TXN: LMDB gave up on the`;
        throw new CheckpointError(
          diskHasRoom(this.path)
            ? `${gaveUp} transaction, and the disk has room); the store is likely damaged: ` +
                'start over with --fresh'
            : `${gaveUp} transaction); the disk may be full: free space and rerun the same ` +
                'command, or start over with --fresh if the store is damaged',
          detail,
        );
      }
      throw new CheckpointError(
        `cannot record ${what} in ${this.path} (${why}; is the disk full?); free space and ` +
          'rerun the same command to continue from the last recorded chunk',
        detail,
      );
    }
  }

  /** Forgets a step record and every later one, e.g. when an earlier step was recomputed. */
  async dropSteps(steps: readonly StepName[]): Promise<void> {
    // Synchronous, as the chunk records: a failed commit throws here. In an asynchronous
    // transaction its promise never settled, and the removals' rejections went unhandled and
    // ended the process (a trial's damaged store, under --resume-from).
    await this.#guard(
      'the removal of later steps',
      (async () =>
        this.#root.transactionSync(() => {
          for (const step of steps) this.#steps.removeSync(step);
        }))(),
    );
  }

  /**
   * Drops chunk records and payloads of `step` whose fingerprint is not `keep`. Splits are
   * facts about memory, not results: they go with a stale fingerprint, but `keep` null
   * (--resume-from, which recomputes the same chunks) leaves them to guide the recomputation.
   */
  async dropStaleChunks(step: StepName, keep: string | null): Promise<void> {
    const keepPrefix = keep === null ? null : `${step}:${keep}:`;
    const isStale = (k: string) =>
      k.startsWith(`${step}:`) && (keepPrefix === null || !k.startsWith(keepPrefix));
    const stale = this.#read(() => [...this.#chunks.getKeys({ start: `${step}:` })]).filter(
      isStale,
    );
    const staleSplits =
      keepPrefix === null
        ? []
        : this.#read(() => [...this.#splits.getKeys({ start: `${step}:` })]).filter(isStale);
    if (stale.length === 0 && staleSplits.length === 0) return;
    await this.#guard(
      `the removal of ${step}'s stale chunks`,
      (async () =>
        this.#root.transactionSync(() => {
          for (const key of stale) {
            this.#chunks.removeSync(key);
            this.#payloads.removeSync(key);
          }
          for (const key of staleSplits) this.#splits.removeSync(key);
        }))(),
    );
  }

  /**
   * A read of the records. What fails inside one is the stored bytes (the code around them
   * only slices keys): LMDB's own codes, msgpackr's words, and also a key that
   * ordered-binary decodes into a RangeError or a cursor LMDB calls a bad transaction on a
   * damaged page, which `status` and reruns reported as "internal error" with a stack (trial
   * K). Each becomes the damaged store's message.
   */
  #read<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw unreadableStoreError(error, dirname(this.path));
    }
  }

  async close(): Promise<void> {
    await this.#root.flushed;
    await this.#root.close();
  }

  static remove(dir: string): void {
    rmSync(join(dir, STORE_FILE), { force: true });
    rmSync(join(dir, `${STORE_FILE}-lock`), { force: true });
  }
}

// LMDB's file layout: two meta pages (pages 0 and 1). In each, after the 16-byte page header
// and 8 bytes of padding: magic, version, address, map size, the two root DB records (the
// first one's `md_pad` holds the page size), the last used page number and the txn id.
const META = { magic: 24, pageSize: 48, lastPage: 144, txnId: 152, end: 160 } as const;
const LMDB_MAGIC = 0xbeefc0de;

/** What `storeFileProblem` says when the store's path is a directory. */
const DIRECTORY = 'a directory';

/**
 * An empty folder under the store's name, which amlprep may replace. A folder with anything
 * in it (even files named like LMDB's own, data.mdb and lock.mdb) may be someone's, and is
 * never removed: the user moves it.
 */
/** Removes an empty folder, or only the link when `path` is a symbolic link to one. */
export function removeEmptyFolder(path: string): void {
  if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  else rmdirSync(path);
}

export function isEmptyFolder(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

/**
 * Why a store file cannot be opened safely, or null (also when it does not exist). LMDB maps
 * the file and trusts its meta pages: garbage crashes it, and a file shorter than its last
 * page kills the process with SIGBUS on first touch, so both are caught here first.
 */
const EMPTY_FILE = 'empty file';

/** The tables a store holds; `open` creates them one after another. */
const TABLES = ['steps', 'chunks', 'payloads', 'plans', 'splits'];

/**
 * True for a sound LMDB file that holds nothing but some of amlprep's (empty or not) tables:
 * a store whose creation a kill cut short after LMDB made the file and before every table
 * was there. Another program's file has keys of its own and stays refused.
 */
function onlyOurTables(path: string): boolean {
  return ourTablesIn(path) !== null;
}

/**
 * How many of amlprep's tables a sound LMDB file holds when it holds nothing else and they are
 * all empty (a creation cut short, or a store that never recorded anything); null otherwise.
 * A key that is not a table, or a table with an entry, is someone else's data.
 */
function ourTablesIn(path: string): number | null {
  let root: RootDatabase;
  try {
    root = open({ path, compression: false, maxDbs: 8, readOnly: true });
  } catch {
    return null;
  }
  try {
    let tables = 0;
    // Keys first: opening a table ends the read transaction an iteration runs in.
    for (const key of [...root.getKeys()]) {
      if (typeof key !== 'string' || !TABLES.includes(key)) return null;
      const table = root.openDB({ name: key });
      if (table === undefined || table.getKeysCount() > 0) return null;
      tables++;
    }
    return tables;
  } catch {
    return null;
  } finally {
    void root.close();
  }
}

/** Room a commit cannot lack: 256 MiB, more than any one chunk's record. */
const ROOM_BYTES = 256 * 1024 * 1024;

/** Whether the file system of `path` has room for more than any commit needs. */
function diskHasRoom(path: string): boolean {
  try {
    const fs = statfsSync(dirname(path));
    return fs.bavail * fs.bsize > ROOM_BYTES;
  } catch {
    return false;
  }
}

/** What `storeFileProblem` says of an LMDB file with a bad meta page, or one cut short. */
const DAMAGED_META = 'damaged meta page';
const TRUNCATED = 'truncated:';

function storeFileProblem(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const stats = fstatSync(fd);
    // Opening a directory for reading succeeds; reading it fails with EISDIR.
    if (stats.isDirectory()) return DIRECTORY;
    const size = stats.size;
    if (size === 0) return EMPTY_FILE;
    const first = readMeta(fd, 0);
    if (first === null) return 'not an LMDB environment';
    // LMDB reads both meta pages; either one damaged is enough to crash it.
    const second = readMeta(fd, first.pageSize);
    if (second === null || second.pageSize !== first.pageSize) return DAMAGED_META;
    for (const meta of [first, second]) {
      const needed = (meta.lastPage + 1) * meta.pageSize;
      if (!Number.isSafeInteger(needed) || meta.lastPage < 1) return DAMAGED_META;
      if (size < needed) return `${TRUNCATED} ${size} of ${needed} bytes`;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function readMeta(fd: number, at: number) {
  const page = Buffer.alloc(META.end);
  if (readSync(fd, page, 0, page.length, at) < page.length) return null;
  if (page.readUInt32LE(META.magic) !== LMDB_MAGIC) return null;
  const pageSize = page.readUInt32LE(META.pageSize);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return null;
  return {
    pageSize,
    lastPage: Number(page.readBigUInt64LE(META.lastPage)),
    txnId: Number(page.readBigUInt64LE(META.txnId)),
  };
}

function chunkKey(step: StepName, fingerprint: string, index: number): string {
  return `${step}:${fingerprint}:${String(index).padStart(8, '0')}`;
}

/** LMDB's words for a store whose pages are damaged (a disk fault, bytes written over it). */
const DAMAGE = /^MDB_(CORRUPTED|PAGE_NOTFOUND)\b/;

/**
 * msgpackr's words for a record it cannot decode. The store is the only reader of MessagePack
 * here, so these mean a record's bytes were damaged (a trial flipped a byte of one; the run
 * and `status` said "internal error (please report)" with a stack).
 */
const UNDECODABLE = new RegExp(
  `^(${[
    'Data read, but end of buffer not reached',
    'Unexpected end of (MessagePack data|buffer)',
    'Unknown MessagePack token',
    'Unknown extension',
    'Could not find typed array',
    'Record id is not defined',
    'Invalid property type for record',
  ].join('|')})`,
);

/**
 * Refuses a store this user may not read (or, for a run, write), before any check reads it:
 * an unreadable file read as "another program's LMDB file", and --fresh was advised.
 */
export function refuseDenied(path: string, write: boolean): void {
  if (!existsSync(path)) return;
  const denied = deniedAccess(path, { write });
  if (denied === null) return;
  const verb = write ? 'read and write' : 'read';
  throw new CheckpointError(deniedMessage(verb, `the checkpoint store ${path}`, denied));
}

/** An error from reading a store's records (`#read`) as the damaged store's CheckpointError. */
function unreadableStoreError(error: unknown, dir: string): unknown {
  if (error instanceof AmlprepError) return error;
  const damaged = damagedStoreError(error, dir);
  if (damaged !== error) return damaged;
  const why = error instanceof Error ? error.message : String(error);
  return damagedStore(dir, `its records cannot be read: ${why}`, error);
}

/**
 * An error from a damaged store as a CheckpointError saying how to go on; any other error as
 * it is. LMDB finds such pages only when it reads them, well into a rerun: it said "internal
 * error (please report)" with a stack, on every rerun (a fresh-user trial).
 */
export function damagedStoreError(error: unknown, dir: string): unknown {
  const message = error instanceof Error ? error.message : '';
  if (error instanceof CheckpointError) return error;
  if (!DAMAGE.test(message) && !UNDECODABLE.test(message)) return error;
  // LMDB's code and its words; lmdb-js may append its own, such as what it was doing.
  const said = DAMAGE.test(message)
    ? message.split(': ').slice(0, 2).join(': ')
    : `a record cannot be decoded: ${message.split(' {')[0]!.trim()}`;
  return damagedStore(dir, said, error);
}

function damagedStore(dir: string, said: string, cause: unknown): CheckpointError {
  return new CheckpointError(
    `the checkpoint store ${join(dir, STORE_FILE)} is damaged (${said}); rerun with ` +
      `--fresh to start over, or remove it with 'amlprep clean ${dir}'`,
    cause,
  );
}
