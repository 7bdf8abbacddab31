import { crc32 } from 'node:zlib';

import type { StepRecord } from '../checkpoint/store.js';
import { kebab, type ResolvedOptions, type StepName } from '../options.js';
import type { ChunkTally } from './chunks.js';
import type { Context } from './context.js';

/** Why a step's record cannot be used, or null when it can (SPEC §10). */
export function recordProblem(ctx: Context, step: StepName): string | null {
  const record = ctx.store.step(step);
  if (record === undefined) return outdatedChunks(ctx, step) ?? 'no checkpoint';
  if (record.fingerprint === ctx.fingerprints[step]) return null;
  return `checkpoint out of date (${changedKeys(record.basis, ctx.bases[step])})`;
}

/**
 * Why the chunks an unfinished run recorded for `step` cannot be used, or null when there are
 * none (or the step has a record, whose own problem is then the one to tell). Such chunks are
 * recomputed; without a word, a user who edited an input would wonder why nothing resumed.
 */
export function outdatedChunks(ctx: Context, step: StepName): string | null {
  const fp = ctx.fingerprints[step];
  const other = ctx.store.step(step) === undefined ? ctx.store.otherChunks(step, fp) : 0;
  if (other === 0) return null;

  const plan = ctx.store.plan(step);
  const why =
    plan?.basis !== undefined && plan.fingerprint !== fp
      ? changedKeys(plan.basis, ctx.bases[step])
      : 'made with other inputs or settings';
  const what =
    other === 1 ? 'chunk an unfinished run recorded is' : 'chunks an unfinished run recorded are';
  return `the ${other} ${what} out of date (${why})`;
}

/** Names what differs between a record's fingerprint basis and this run's, for people. */
export function changedKeys(was: Record<string, unknown>, now: Record<string, unknown>): string {
  // An option in one basis only is one the step reads in one of the two settings (the ratio,
  // with `--imbalance none` on one side): what changed is the option that decides that.
  const own = new Set(['version', 'previous', 'inputs']);
  const keys = new Set([...Object.keys(was ?? {}), ...Object.keys(now)]);
  const changed = [...keys].filter(
    (k) =>
      (own.has(k) || (was !== undefined && k in was && k in now)) &&
      JSON.stringify(was?.[k]) !== JSON.stringify(now[k]),
  );
  const words = changed.flatMap((k) => {
    if (k === 'previous') return ['an earlier step changed'];
    if (k === 'version') return ['the step definition changed in this amlprep version'];
    if (k !== 'inputs') return [`--${kebab(k)} changed`];
    const a = (was?.inputs ?? {}) as Record<string, unknown>;
    const b = now.inputs as Record<string, unknown>;
    return Object.keys(b)
      .filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]))
      .map((f) =>
        a[f] === null || a[f] === undefined
          ? `--${f} was added`
          : b[f] === null
            ? `--${f} was left out`
            : `the ${f} file changed (${howChanged(a[f] as Print, b[f] as Print)})`,
      );
  });
  return words.length === 0 ? 'settings changed' : words.join(', ');
}

/** An input's fingerprint as a step's basis keeps it. */
interface Print {
  size?: unknown;
  mtimeMs?: unknown;
  sample?: unknown;
}

/** What differs between two fingerprints of an input (trial FF: after a bare `touch`). */
function howChanged(was: Print, now: Print): string {
  if (was.size !== now.size) {
    const size = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : '?');
    return `size ${size(was.size)} → ${size(now.size)} bytes`;
  }
  if (JSON.stringify(was.sample) !== JSON.stringify(now.sample)) {
    return 'same size, other bytes';
  }
  // Bytes between the sampled blocks may differ too: the time is all the fingerprint saw.
  return 'another modified time; same size and sampled bytes';
}

/** Writes the step's completion record (durable before it resolves). */
export async function recordStep(
  ctx: Context,
  step: StepName,
  startedAt: number,
  tally: ChunkTally | null,
  counts: Record<string, number>,
  result?: unknown,
): Promise<StepRecord> {
  const fp = ctx.fingerprints[step];
  const chunks = ctx.store.chunksOf(step, fp);
  const sums = Buffer.alloc(chunks.size * 4);
  [...chunks.keys()]
    .sort((a, b) => a - b)
    .forEach((i, at) => sums.writeUInt32LE(chunks.get(i)!.checksum >>> 0, at * 4));

  const record: StepRecord = {
    step,
    fingerprint: fp,
    basis: ctx.bases[step],
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - startedAt),
    counts,
    options: recordOptionsOf(ctx),
    chunks: tally === null ? 0 : chunks.size,
    checksum: crc32(sums),
    result,
  };
  await ctx.store.recordStep(record);
  await ctx.store.dropStaleChunks(step, fp);
  ctx.records[step] = record;
  return record;
}

/**
 * The options the outputs depend on, as this run has them: what the manifest gives. Workers
 * are left out: they change no byte of the outputs, so two runs that differ only in
 * --workers write the same manifest (apart from its times).
 */
export function optionsOf(ctx: Context): Record<string, unknown> {
  return manifestOptions(ctx.opts);
}

/** `optionsOf` of a run with options `o`. */
export function manifestOptions(o: ResolvedOptions): Record<string, unknown> {
  // `none` reads neither the ratio nor the seed: null, so the manifest holds no value that no
  // step read, and a rerun given others reuses every step with the manifest a fresh run with
  // them writes (trial FF; trial G had such a rerun recompute nothing).
  const unused = o.imbalance === 'none';
  return {
    sample: o.sample,
    chunkSize: o.chunkSize,
    imbalance: o.imbalance,
    smoteRatio: unused ? null : o.smoteRatio,
    seed: unused ? null : o.seed,
    split: o.split.join(','),
    onBadRow: o.onBadRow,
  };
}

/** A step record's options: the outputs' options, and the workers that computed it. */
function recordOptionsOf(ctx: Context): Record<string, unknown> {
  return { ...optionsOf(ctx), workers: ctx.opts.workers };
}
