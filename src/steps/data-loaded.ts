import type { Column, Payload } from '../checkpoint/payload.js';
import { BadRowError, InputError } from '../errors.js';
import { readAccounts } from '../ingest/accounts.js';
import { BadRows } from '../ingest/bad-rows.js';
import { readHeader, TRANSACTION_COLUMNS } from '../ingest/header.js';
import type { Loaded } from '../ingest/loaded.js';
import { mergeChunks } from '../ingest/merge.js';
import { NodeMerger } from '../ingest/node-merger.js';
import type { ParsedChunk } from '../ingest/parse-chunk.js';
import { readPatterns } from '../ingest/patterns.js';
import { planChunks } from '../ingest/scan.js';
import { runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';

const ARRAYS = [
  'ts',
  'amountReceived',
  'amountPaid',
  'src',
  'dst',
  'receivingCurrency',
  'paymentCurrency',
  'format',
  'label',
  'accountKeys',
  'accountOffsets',
] as const;

/**
 * Step 1, `data_loaded`. Reads: the transactions file (chunks of rows, parsed on the pool), the
 * accounts and patterns files (on the coordinator: they are small). Writes: `ctx.loaded`.
 * Chunks are independent because each parses its own byte range into chunk-local ids; the
 * merge that makes ids global runs afterwards, in file order.
 */
export async function dataLoaded(ctx: Context): Promise<{ tally: ChunkTally; loaded: Loaded }> {
  const path = ctx.opts.transactions;
  const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
  const plan = planChunks(
    path,
    header.dataStart,
    header.dataLine,
    ctx.opts.chunkSize,
    ctx.opts.sample,
  );
  if (plan.rows === 0)
    throw new InputError(`${path}:${header.dataLine}: no data rows after the header`);

  const parsed = new Array<ParsedChunk>(plan.chunks.length);
  const merger = new NodeMerger();
  const chunks = runChunks(ctx, {
    step: 'data_loaded',
    count: plan.chunks.length,
    compute: async (i) => {
      const chunk = await ctx.pool.run<ParsedChunk>({
        kind: 'parse',
        path,
        span: plan.chunks[i]!,
        stopAtBadRow: ctx.opts.onBadRow === 'fail',
      });
      const first = chunk.rejects[0];
      if (ctx.opts.onBadRow === 'fail' && first !== undefined) {
        throw new BadRowError(path, first.line, first.reason);
      }
      parsed[i] = chunk;
      merger.offer(i, chunk);
      return { rows: chunk.rows, meta: metaOf(chunk), arrays: arraysOf(chunk) };
    },
    restore: (i, payload) => {
      parsed[i] = fromPayload(payload);
      merger.offer(i, parsed[i]);
    },
  });

  // The small files are read while the pool parses; a bad row there still waits for the
  // chunks in flight, so they are recorded before the run stops.
  const side = await readSideFiles(ctx).catch(async (error: unknown) => {
    await chunks.catch(() => undefined);
    throw error;
  });
  const tally = await chunks;
  const loaded = mergeChunks({
    path,
    chunks: parsed,
    firstRows: plan.chunks.map((c) => c.firstRow),
    nodes: merger.finish(parsed.length),
    ...side,
  });
  warnUnmatchedPatterns(ctx, loaded);
  if (loaded.edges.rows === 0) throw new InputError(`${path}: every data row was rejected`);
  return { tally, loaded };
}

/**
 * Every pattern row should be a laundering transaction of the file. SPEC §12 does not make one
 * that is not a bad row (the typology rule simply does not apply), so it is a warning that
 * names the lines, and `load.patterns` in the manifest counts them. With --sample most
 * pattern rows lie beyond the sample, so there it stays quiet.
 */
function warnUnmatchedPatterns(ctx: Context, loaded: Loaded): void {
  const report = loaded.report.patterns;
  if (report === null || ctx.opts.sample !== null || report.unmatchedLines.length === 0) return;
  const lines = report.unmatchedLines;
  const shown = lines.slice(0, 5).join(', ');
  ctx.emit({
    kind: 'warning',
    step: 'data_loaded',
    message:
      `${ctx.opts.patterns}: ${lines.length} pattern row(s) match no transaction labelled 1 ` +
      `in ${ctx.opts.transactions} (lines ${shown}${lines.length > 5 ? ', …' : ''})`,
  });
  // The manifest keeps the first lines only; the count says how many there were.
  report.unmatchedLines = lines.slice(0, 100);
  report.unmatched = lines.length;
}

async function readSideFiles(ctx: Context) {
  // Let runChunks hand the first chunks to the pool before this synchronous work starts.
  await new Promise((resolve) => setImmediate(resolve));
  const bad = new BadRows(ctx.opts.onBadRow);
  const accounts = ctx.opts.accounts === null ? null : readAccounts(ctx.opts.accounts, bad);
  const patterns = ctx.opts.patterns === null ? null : readPatterns(ctx.opts.patterns, bad);
  return { accounts, patterns, otherRejects: bad.rows };
}

function metaOf(c: ParsedChunk) {
  return {
    rows: c.rows,
    currencies: c.currencies,
    formats: c.formats,
    rejects: c.rejects,
  };
}

function arraysOf(c: ParsedChunk): Record<string, Column> {
  const rows = (name: (typeof ARRAYS)[number]) =>
    name === 'accountKeys' || name === 'accountOffsets' ? c[name] : c[name].subarray(0, c.rows);
  return Object.fromEntries(ARRAYS.map((name) => [name, rows(name)]));
}

function fromPayload(p: Payload): ParsedChunk {
  const meta = p.meta as ReturnType<typeof metaOf>;
  const a = p.arrays as Record<(typeof ARRAYS)[number], Column>;
  return {
    ...meta,
    ts: a.ts as Float64Array,
    amountReceived: a.amountReceived as Float64Array,
    amountPaid: a.amountPaid as Float64Array,
    src: a.src as Int32Array,
    dst: a.dst as Int32Array,
    receivingCurrency: a.receivingCurrency as Int32Array,
    paymentCurrency: a.paymentCurrency as Int32Array,
    format: a.format as Int32Array,
    label: a.label as Uint8Array,
    accountKeys: a.accountKeys as Uint8Array,
    accountOffsets: a.accountOffsets as Int32Array,
  };
}
