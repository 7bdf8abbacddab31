import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';

import type { Column, Payload } from '../checkpoint/payload.js';
import { BadRowError, InputChangedError, InputError, WorkerError } from '../errors.js';
import {
  indexAccounts,
  readAccounts,
  type AccountsRead,
  type IndexedAccounts,
} from '../ingest/accounts.js';
import type { NodeRows } from '../ingest/node-rows.js';
import { BadRows } from '../ingest/bad-rows.js';
import { noDataRows, readHeader, TRANSACTION_COLUMNS } from '../ingest/header.js';
import { edgeIdOf, type Loaded } from '../ingest/loaded.js';
import { mergeChunks, unmatchedPatternReason } from '../ingest/merge.js';
import { NodeMerger } from '../ingest/node-merger.js';
import { NodeTextsBuilder } from '../ingest/node-texts.js';
import {
  allocateRows,
  ROW_COLUMNS,
  rowsAt,
  type ParsedChunk,
  type RowColumns,
} from '../ingest/parse-chunk.js';
import { readPatterns, type PatternIndex } from '../ingest/patterns.js';
import { changedDuringRun } from '../ingest/read-file.js';
import { REJECTED_ROWS_FILE, writeRejectedRows } from '../output/rejected-rows.js';
import { runChunks, type ChunkTally } from '../pipeline/chunks.js';
import { Pacer } from '../pipeline/pacer.js';
import { planTransactions } from './chunk-plan.js';
import { paidDifferences, restorePaid } from './paid-amounts.js';
import type { Context } from '../pipeline/context.js';

/**
 * Step 1, `data_loaded`. Reads: the transactions file (chunks of rows, parsed on the pool), the
 * accounts file (on the pool) and the patterns file (on the coordinator: it is small). Writes:
 * `ctx.loaded`. Workers parse chunks in any order into account ids of their own thread; the
 * node merge makes them node ids in file order as chunks arrive, and a chunk is recorded once
 * merged, so its record stands on its own: node ids, plus the nodes it added.
 */
export async function dataLoaded(ctx: Context): Promise<{ tally: ChunkTally; loaded: Loaded }> {
  const path = ctx.opts.transactions;
  const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
  // The plan's ranges are handed to the pool ahead of the accounts file's read.
  const planned = planTransactions(ctx, path, header.dataStart, header.dataLine);
  const accountsRead = startAccountsRead(ctx);
  const plan = await planned.catch(async (error: unknown) => {
    await accountsRead.catch(() => undefined);
    throw error;
  });
  if (plan.rows === 0) throw noDataRows(path, header.dataLine);

  const parsed = new Array<ParsedChunk>(plan.chunks.length);
  // One table for every chunk's rows, parsed straight into it: no second copy of the rows.
  const table = allocateRows(plan.rows);
  const pace = new Pacer(ctx.signal);
  const session = randomUUID();
  const stopAtBadRow = ctx.opts.onBadRow === 'fail';
  // AMLworld files name about one account per ten rows (HI-Small: 515 K for 5 M), and each
  // worker's dictionary meets almost all of them.
  const expectedKeys = Math.ceil(Math.min(plan.rows / 10, 1 << 22));
  const merger = new NodeMerger(session, pace, expectedKeys);
  // Merged nodes get their texts and, once the accounts file is indexed, their accounts rows
  // as chunks come in, while the pool parses: after the last chunk only the rest is left.
  const texts = new NodeTextsBuilder();
  let nodeRows: NodeRows | null = null;
  const lookUpNodes = () => {
    const from = Math.min(texts.count, nodeRows?.count ?? texts.count);
    if (from === merger.nodes) return;
    const keys = merger.keysFrom(from);
    texts.add(keys.bytes, keys.offsets, texts.count - from);
    nodeRows?.add(keys.bytes, keys.offsets.subarray(nodeRows.count - from));
  };
  const chunks = runChunks(ctx, {
    step: 'data_loaded',
    count: plan.chunks.length,
    // A chunk stays in flight until merged in file order and recorded, and recording blocks
    // the coordinator: two chunks a worker keep each worker fed meanwhile.
    inFlight: 2 * ctx.pool.size + 1,
    compute: async (i, hints) => {
      try {
        const chunk = await ctx.pool.run<ParsedChunk>(
          {
            kind: 'parse',
            path,
            span: plan.chunks[i]!,
            stopAtBadRow,
            session,
            table,
            expectedKeys,
          },
          hints,
        );
        // Its keys are taken in first, even when it stops the run, so the thread's later
        // chunks still find every key they use.
        merger.receive(i, chunk);
        const first = chunk.rejects[0];
        if (stopAtBadRow && first !== undefined) {
          throw new BadRowError(path, first.line, first.reason);
        }
        parsed[i] = chunk;
        await merger.merged(i);
        lookUpNodes();
        refuseChangedInputs(ctx);
        return { rows: chunk.rows, meta: metaOf(chunk), arrays: arraysOf(chunk) };
      } catch (error) {
        // The chunks after a failed one are never merged; their waits end with it.
        merger.fail(i);
        throw error;
      }
    },
    restore: (i, payload) => {
      parsed[i] = fromPayload(
        payload,
        rowsAt(table, plan.chunks[i]!.firstRow, plan.chunks[i]!.rows),
      );
      merger.offer(i, parsed[i]);
    },
  });

  // Awaited after the side files below: a stop can end the chunks first, and their rejection
  // must not count as unhandled meanwhile (Node would end the process).
  chunks.catch(() => undefined);

  // The small files are read while the pool parses; a bad row there still waits for the
  // chunks in flight, so they are recorded before the run stops.
  const side = await readSideFiles(ctx, accountsRead).catch(async (error: unknown) => {
    await chunks.catch(() => undefined);
    throw error;
  });
  nodeRows = side.accounts?.nodeRows ?? null;
  const tally = await settleChunks(ctx, chunks);
  noteShortSample(ctx, tally, plan.rows);
  noteEmptySideFiles(ctx, tally, side);
  await ctx.pool.endLoad();
  const loaded = await mergeChunks(
    {
      path,
      table,
      chunks: parsed,
      firstRows: plan.chunks.map((c) => c.firstRow),
      nodes: await merger.finish(parsed.length),
      texts,
      ...side,
      rejectUnmatchedPatterns: ctx.opts.onBadRow === 'skip' && ctx.opts.sample === null,
    },
    pace,
  );
  checkUnmatchedPatterns(ctx, loaded);
  warnUnmatchedAccounts(ctx, loaded);
  if (loaded.edges.rows === 0) {
    // Skipped rows are listed even when none is left: the message names the first only (a
    // fresh-user trial found the other reasons shown nowhere).
    const listed = loaded.rejects.length > 0;
    if (listed) writeRejectedRows(ctx.opts.out, loaded.rejects, ctx.folder);
    throw everyRowRejected(path, loaded, listed ? join(ctx.opts.out, REJECTED_ROWS_FILE) : null);
  }
  noteWideSpan(ctx, tally, loaded);
  return { tally, loaded };
}

/**
 * No row is left to work on, so the run stops: the message says how many were rejected, why
 * the first was (a fresh-user trial found only "every data row was rejected") and where the
 * list of all of them is (`listed`).
 */
function everyRowRejected(path: string, loaded: Loaded, listed: string | null): InputError {
  const ours = loaded.rejects.filter((r) => r.file === path);
  const first = ours[0];
  const rows = ours.length === 1 ? '1 row' : `${ours.length} rows`;
  const why = first === undefined ? '' : `; the first, at line ${first.line}: ${first.reason}`;
  const all = listed === null ? '' : `; all are listed in ${listed}`;
  return new InputError(`${path}: every data row was rejected (${rows}${why})${all}`);
}

/** Ten years: AMLworld files span weeks, so a wider span is more likely a mistyped year. */
const WIDE_SPAN_DAYS = 3653;

/**
 * A year such as 0000 or 9999 is a real date and is kept, but it stretches the day range the
 * split is cut from (and the time feature) over centuries: said, with the two rows to check.
 */
function noteWideSpan(ctx: Context, tally: ChunkTally, loaded: Loaded): void {
  const { ts, rows } = loaded.edges;
  let first = 0;
  let last = 0;
  for (let r = 1; r < rows; r++) {
    if (ts[r]! < ts[first]!) first = r;
    if (ts[r]! > ts[last]!) last = r;
  }
  const day = (r: number) => Math.floor(ts[r]! / 86_400);
  const days = day(last) - day(first) + 1;
  if (days <= WIDE_SPAN_DAYS) return;

  const date = (r: number) => new Date(ts[r]! * 1000).toISOString().slice(0, 10);
  const at = (r: number) => `${date(r)} (edge_id ${edgeIdOf(loaded.rejectedRecords, r)})`;
  const message =
    `timestamps span ${days.toLocaleString('en-US')} days, from ${at(first)} to ` +
    `${at(last)}; the split is cut by days, so check those rows for a mistyped year`;
  tally.notes.push(message);
  ctx.emit({ kind: 'note', step: 'data_loaded', message });
}

/**
 * An accounts file without a usable row, or a patterns file without a block, adds nothing:
 * said, since it is more likely the wrong file than an empty one meant.
 */
function noteEmptySideFiles(
  ctx: Context,
  tally: ChunkTally,
  side: { accounts: IndexedAccounts | null; patterns: PatternIndex | null },
): void {
  const notes: string[] = [];
  if (side.accounts !== null && side.accounts.table.rows === 0) {
    notes.push(`${ctx.opts.accounts}: no account rows to use; no node gets an entity type`);
  }
  if (side.patterns !== null && side.patterns.blocks === 0) {
    notes.push(`${ctx.opts.patterns}: no BEGIN/END LAUNDERING ATTEMPT blocks; no typologies`);
  }
  for (const message of notes) {
    tally.notes.push(message);
    ctx.emit({ kind: 'note', step: 'data_loaded', message });
  }
}

/** A --sample larger than the file keeps every row; said, so a typo in N does not go unseen. */
function noteShortSample(ctx: Context, tally: ChunkTally, rows: number): void {
  const message = shortSampleNote(ctx.opts.sample, ctx.opts.transactions, rows);
  if (message === null) return;
  tally.notes.push(message);
  ctx.emit({ kind: 'note', step: 'data_loaded', message });
}

/** The note for a --sample of more rows than the file has (`--dry-run` gives it too). */
export function shortSampleNote(sample: number | null, path: string, rows: number): string | null {
  if (sample === null || rows >= sample) return null;
  return (
    `--sample ${sample.toLocaleString('en-US')} asks for more rows than ${path} has; all its ` +
    `${rows.toLocaleString('en-US')} data rows are used`
  );
}

/**
 * Every pattern row must be a transaction of the file (issue #4, item 8): one that is not is a
 * bad row of the patterns file. With `fail` the first one stops the run, saying how many more
 * there are; with `skip` the merge has made them rejects. With --sample most pattern rows lie
 * beyond the sample, so there they are only counted in the manifest's `load.patterns`.
 */
function checkUnmatchedPatterns(ctx: Context, loaded: Loaded): void {
  const report = loaded.report.patterns;
  if (report === null || report.unmatched === 0) return;
  if (ctx.opts.sample !== null && report.unmatched === report.rows) {
    noneMatchedInSample(ctx, report.rows);
  }
  const [first] = report.unmatchedLines;
  if (ctx.opts.sample === null && ctx.opts.onBadRow === 'fail' && first !== undefined) {
    const more = report.unmatched - 1;
    throw new BadRowError(
      ctx.opts.patterns!,
      first,
      unmatchedPatternReason(ctx.opts.transactions) +
        (more > 0 ? ` (and ${more} more pattern rows that match none)` : ''),
    );
  }
  // The manifest keeps the first lines only; the count says how many there were.
  report.unmatchedLines = report.unmatchedLines.slice(0, 100);
}

/**
 * With --sample, pattern rows beyond the sample match nothing, so they are not bad rows; but
 * when not one of them matches, the file is as likely the wrong one (a fresh-user trial saw
 * a wrong patterns file taken without a word): said, as a warning.
 */
function noneMatchedInSample(ctx: Context, rows: number): void {
  const message =
    `none of the ${rows.toLocaleString('en-US')} rows of ${ctx.opts.patterns} matches a ` +
    `transaction of the first ${ctx.opts.sample!.toLocaleString('en-US')} rows: they may ` +
    'all lie beyond --sample, or it is not the patterns file of these transactions (without ' +
    '--sample, a row that matches none stops the run)';
  ctx.emit({ kind: 'warning', step: 'data_loaded', message });
}

/**
 * An accounts file of which not one row names an account of the transactions is as likely
 * another data set's (trial II: the sample's accounts with generated transactions gave 239
 * isolated nodes and no entity type, said only in the manifest): said, as a warning.
 */
function warnUnmatchedAccounts(ctx: Context, loaded: Loaded): void {
  const report = loaded.report.accounts;
  if (report === null || report.rows === 0 || report.matched > 0) return;
  const nodes = loaded.report.transactionNodes.toLocaleString('en-US');
  const message =
    `none of the ${report.rows.toLocaleString('en-US')} rows of ${ctx.opts.accounts} names ` +
    `one of the ${nodes} accounts of ${ctx.opts.transactions}: is it the accounts file of ` +
    'these transactions? Its rows become nodes without transactions, and no transaction ' +
    'node gets an entity type';
  ctx.emit({ kind: 'warning', step: 'data_loaded', message });
}

/**
 * Stops when an input is not the file the run fingerprinted at its start: cut short, written
 * to or replaced while it was read, it gives outputs of neither version, which would be
 * recorded under the old fingerprint as if they were its. Checked before each parsed chunk is
 * recorded and after the last (a file cut short is also caught as its chunks are read:
 * `readRange`). The inode and ctime catch a file moved over it and a rewrite whose mtime was
 * set back.
 */
function refuseChangedInputs(ctx: Context): void {
  for (const name of ['transactions', 'accounts', 'patterns'] as const) {
    const path = ctx.opts[name];
    const was = ctx.identities[name];
    if (path === null || was === null) continue;
    const now = statSync(path, { throwIfNoEntry: false });
    if (now === undefined) throw changedDuringRun(path, 'it is gone');
    if (now.size !== was.size) {
      throw changedDuringRun(path, `${was.size} bytes at the start, ${now.size} now`);
    }
    if (now.ino !== was.ino) throw changedDuringRun(path, 'another file was moved over it');
    if (now.mtimeMs !== was.mtimeMs || now.ctimeMs !== was.ctimeMs) {
      throw changedDuringRun(path, 'written to since the start');
    }
  }
}

/**
 * The chunks' outcome; after an input changed under them, none of what they recorded stands
 * (a chunk read after the change but recorded before it was noticed would pass for the old
 * file's if that came back byte for byte), so the step's chunk records are dropped.
 */
async function settleChunks(ctx: Context, chunks: Promise<ChunkTally>): Promise<ChunkTally> {
  try {
    const tally = await chunks;
    refuseChangedInputs(ctx);
    return tally;
  } catch (error) {
    if (error instanceof InputChangedError) await ctx.store.dropStaleChunks('data_loaded', null);
    throw error;
  }
}

/**
 * The accounts file goes to the pool (515 K rows at HI-Small scale are a second of work that
 * would compete with the coordinator's merge), before the chunks are even planned: the pool
 * is idle while the coordinator scans the transactions file (0.2 s at HI-Small scale, one
 * to two seconds at 30 M rows). Its rejection is handled where it is awaited.
 */
function startAccountsRead(ctx: Context): Promise<AccountsRead | null> {
  const path = ctx.opts.accounts;
  const accountsRead =
    path === null
      ? Promise.resolve(null)
      : ctx.pool
          .run<AccountsRead>({ kind: 'read-accounts', path, onBadRow: ctx.opts.onBadRow })
          .catch((error: unknown) => readAccountsHere(ctx, path, error));
  accountsRead.catch(() => undefined);
  return accountsRead;
}

/**
 * The patterns file is small and read here while the pool parses; then the accounts file's
 * read is awaited. Its bad rows come first, as when they were read in turn.
 */
async function readSideFiles(ctx: Context, accountsRead: Promise<AccountsRead | null>) {
  // Let runChunks hand the first chunks to the pool before this synchronous work starts.
  await new Promise((resolve) => setImmediate(resolve));

  const bad = new BadRows(ctx.opts.onBadRow);
  let patterns: PatternIndex | null = null;
  let patternsError: unknown = null;
  try {
    patterns = ctx.opts.patterns === null ? null : readPatterns(ctx.opts.patterns, bad);
  } catch (error) {
    patternsError = error;
  }
  const accounts = await accountsRead;
  if (patternsError !== null) throw patternsError;
  return {
    accounts: accounts === null ? null : indexAccounts(accounts.rows),
    patterns,
    otherRejects: [...(accounts?.rejects ?? []), ...bad.rows],
  };
}

/**
 * The worker heap limit is sized for chunks, and the accounts file is one piece that cannot
 * be split: when a worker runs out of memory on it, the coordinator reads it instead.
 */
async function readAccountsHere(ctx: Context, path: string, error: unknown) {
  const cause = error instanceof WorkerError ? (error.cause as { code?: unknown }) : null;
  if (cause?.code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
  ctx.emit({
    kind: 'note',
    step: 'data_loaded',
    message: `${path}: too large for a worker's heap (--worker-heap-mb); read on the coordinator`,
  });
  const bad = new BadRows(ctx.opts.onBadRow);
  const rows = await readAccounts(path, bad, new Pacer(ctx.signal));
  return { rows, rejects: bad.rows } satisfies AccountsRead;
}

/** A merged chunk's record: `keySpace` is `global`, so its base is all it needs. */
function metaOf(c: ParsedChunk) {
  const space = c.keySpace;
  if (space.kind !== 'global') throw new Error(`data_loaded records a ${space.kind} chunk`);
  return {
    rows: c.rows,
    keyBase: space.base,
    currencies: c.currencies,
    formats: c.formats,
    rejects: c.rejects,
  };
}

function arraysOf(c: ParsedChunk): Record<string, Column> {
  const arrays: Record<string, Column> = {};
  for (const name of ROW_COLUMNS) {
    if (name !== 'amountPaid') arrays[name] = c[name].subarray(0, c.rows);
  }
  const paid = paidDifferences(
    c.amountReceived.subarray(0, c.rows),
    c.amountPaid.subarray(0, c.rows),
  );
  return {
    ...arrays,
    paidAt: paid.at,
    paidBits: paid.bits,
    accountKeys: c.accountKeys,
    accountOffsets: c.accountOffsets,
  };
}

/** A chunk from its record, its rows copied into the table (views `rows`). */
function fromPayload(p: Payload, rows: RowColumns): ParsedChunk {
  const { keyBase, ...meta } = p.meta as ReturnType<typeof metaOf>;
  const a = p.arrays;
  // `set` widens the narrowed integer columns (src/checkpoint/payload.ts) as it copies.
  for (const name of ROW_COLUMNS) {
    if (name !== 'amountPaid') rows[name].set(a[name]!);
  }
  // Records made before Amount Paid was kept as differences hold the whole column.
  if (a.amountPaid !== undefined) rows.amountPaid.set(a.amountPaid);
  else {
    const differences = { at: a.paidAt as Int32Array, bits: a.paidBits as Uint32Array };
    restorePaid(rows.amountReceived, rows.amountPaid, differences);
  }
  return {
    ...meta,
    ...rows,
    accountKeys: a.accountKeys as Uint8Array,
    accountOffsets: a.accountOffsets as Int32Array,
    keySpace: { kind: 'global', base: keyBase },
  };
}
