import type { CheckpointStore } from '../checkpoint/store.js';
import { AbortedError } from '../errors.js';
import type { ProgressEvent } from '../events.js';
import { STEPS, type StepName } from '../options.js';
import type { ChunkTally } from './chunks.js';
import type { Context, StepOutcome } from './context.js';
import { recordProblem, recordStep } from './step-record.js';

/** Steps whose work may run through `runChunks`, which emits their `step-start`. */
const CHUNKED: ReadonlySet<StepName> = new Set([
  'data_loaded',
  'node_features',
  'edge_features',
  'imbalanced',
]);

export interface StepWork {
  tally: ChunkTally | null;
  counts: Record<string, number>;
  result?: unknown;
  alwaysRecord?: boolean;
}

/**
 * Materializes one step: loaded whole when its record is valid and no chunk had to be
 * computed, otherwise (re)computed and recorded. Emits the step's start and end.
 */
export async function step(
  ctx: Context,
  name: StepName,
  work: (validRecord: ReturnType<CheckpointStore['step']>) => Promise<StepWork>,
  how: { alwaysCompute?: boolean } = {},
): Promise<void> {
  const started = performance.now();
  const resumeFrom = ctx.opts.resumeFrom;
  const found = recordProblem(ctx, name);
  // A step --resume-from dropped has no checkpoint because the user asked for that; one that
  // had none to drop (a new folder) is said to have none.
  const problem =
    ctx.dropped?.has(name) === true && found === 'no checkpoint'
      ? `dropped by --resume-from ${resumeFrom}`
      : found;
  const record = problem === null && how.alwaysCompute !== true ? ctx.store.step(name) : undefined;
  // Say why a checkpoint is not used. A step the previous run never reached needs no note;
  // one that is missing while a later step has a record (or under --resume-from) does.
  const later = STEPS.slice(STEPS.indexOf(name) + 1).some((s) => ctx.store.step(s) !== undefined);
  const worthSaying = problem !== 'no checkpoint' || later || ctx.opts.resumeFrom !== null;
  // Chunks an unfinished run left for other inputs: worth saying even with no step recorded.
  // (recordProblem names those, rather than 'no checkpoint', when the step has no record.)
  const outdated =
    found !== null && found !== 'no checkpoint' && ctx.store.step(name) === undefined;
  const why =
    problem !== null && ((worthSaying && (ctx.resuming || resumeFrom !== null)) || outdated)
      ? `${name}: ${problem}; recomputing it`
      : null;
  if (ctx.signal?.aborted === true) throw AbortedError.of(ctx.signal);

  // Chunked steps announce themselves with their chunk count; the others are announced here.
  // What a chunked step says before it knows its chunks (why a checkpoint is not used, SMOTE
  // skipped) is held until its start, so a log files it under this step rather than the one
  // before (fresh-user trials).
  let announced = false;
  const held: ProgressEvent[] = [];
  const emit = ctx.emit;
  const announce = (event: ProgressEvent): void => {
    announced = true;
    emit(event);
    for (const early of held.splice(0)) emit(early);
  };
  ctx.emit = (event) => {
    if (announced || event.step !== name) emit(event);
    else if (event.kind === 'step-start') announce(event);
    else if (event.kind === 'note' || event.kind === 'warning') held.push(event);
    else emit(event);
  };
  if (!CHUNKED.has(name)) ctx.emit({ kind: 'step-start', step: name, chunks: 0, reused: 0 });
  if (why !== null) ctx.emit({ kind: 'note', step: name, message: why });
  let done: StepWork;
  try {
    done = await work(record);
  } catch (error) {
    // A step that fails before its start still says what it held.
    for (const early of held.splice(0)) emit(early);
    throw error;
  } finally {
    ctx.emit = emit;
  }
  if (!announced) announce({ kind: 'step-start', step: name, chunks: 0, reused: 0 });
  const computed = done.tally?.computed ?? (record === undefined ? 1 : 0);
  const loaded = problem === null && computed === 0 && how.alwaysCompute !== true;
  if (!loaded || done.alwaysRecord === true) {
    ctx.records[name] = await recordStep(ctx, name, started, done.tally, done.counts, done.result);
  } else {
    ctx.records[name] = ctx.store.step(name)!;
  }

  const seconds = (performance.now() - started) / 1000;
  const outcome: StepOutcome = {
    step: name,
    how: loaded ? 'loaded' : 'computed',
    seconds,
    chunksReused: done.tally?.reused ?? 0,
    chunksComputed: done.tally?.computed ?? 0,
  };
  if (done.tally !== null && done.tally.notes.length > 0)
    outcome.note = done.tally.notes.join('; ');
  ctx.outcomes.push(outcome);
  ctx.emit({ kind: 'step-end', step: name, loaded, seconds });
}
