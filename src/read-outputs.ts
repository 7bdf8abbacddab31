import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

import { RecordBatch, Table, type Schema } from 'apache-arrow';

import { errnoName } from './checkpoint/folder.js';
import { CheckpointStore } from './checkpoint/store.js';
import { refuseSpecialFiles } from './checkpoint/ownership.js';
import { booleanOption, optionsArgument, runFolderArgument } from './api-arguments.js';
import { AbortedError, AmlprepError, InputError } from './errors.js';
import { kindOf } from './file-kind.js';
import { cannotRead } from './ingest/read-file.js';
import { runHolding, runningThere, whileHeld } from './checkpoint/lock.js';
import { ArrowDamage, CheckedArrowFile } from './output/checked-arrow-file.js';
import type { ColumnInfo, Manifest } from './output/manifest.js';
import { typeName } from './output/type-names.js';
import { UnreadableOutputError } from './output/unreadable-output.js';
import { manifestCountsProblem, manifestShapeProblem } from './output/manifest-shape.js';
import { rangedColumns, rangeProblem } from './output/value-ranges.js';
import { EdgeCounts } from './output/edge-counts.js';
import { ResampledCounts } from './output/resampled-counts.js';
import { ScaledColumns } from './output/scaled-columns.js';
import { OUTPUT_FILES, type OutputName } from './output/outputs.js';
import { MANIFEST_FILE } from './output/manifest-file.js';

/** A finished run's outputs, read back as Arrow tables. */
export interface RunOutputs {
  manifest: Manifest;
  nodes: Table;
  edges: Table;
  trainResampled: Table;
}

export interface ReadOutputsOptions {
  /** Check each file's SHA-256 against manifest.json before reading it. Default: false. */
  verify?: boolean | null;
}

const NAMES = Object.keys(OUTPUT_FILES) as OutputName[];

/**
 * Reads the Arrow files and manifest.json of a finished run. Rejects with an `InputError` when
 * the folder holds no finished run, or when a file's columns or row count differ from what
 * the manifest states.
 */
export async function readOutputs(
  dir: string,
  options?: ReadOutputsOptions | null,
): Promise<RunOutputs> {
  runFolderArgument(dir, 'readOutputs');
  const { verify } = optionsArgument(options, { verify: true });
  booleanOption(verify, 'verify');
  const before = runHolding(dir);
  try {
    return await readTables(dir, verify === true);
  } catch (error) {
    throw whileHeld(await changedOutputError(error, dir), dir, before);
  }
}

async function readTables(dir: string, verify: boolean): Promise<RunOutputs> {
  const manifest = readManifest(dir);
  refuseInconsistentCounts(dir, manifest);
  const tables = {} as Record<OutputName, Table>;
  for (const name of NAMES) {
    // Hashed whole before it is read, not as it is read (outputBatches' `verify`): a file
    // damaged where the Arrow reader fails is then reported by its SHA-256, the user's check.
    if (verify) await verifyFile(dir, manifest, name);
    const batches: RecordBatch[] = [];
    for await (const batch of outputBatches(dir, manifest, name)) batches.push(batch);
    tables[name] = new Table(batches);
  }
  return { manifest, ...tables };
}

/**
 * manifest.json of an output folder, with the keys every reader here relies on checked. It
 * takes no options: any given are refused, as `status` refuses them (trial DD: `{ verify:
 * true }` was ignored without a word).
 */
export function readManifest(dir: string, options?: Record<string, never>): Manifest {
  runFolderArgument(dir, 'readManifest');
  optionsArgument(options, {});
  refuseSpecialFiles(dir, { reading: true });
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    // A run removes the manifest before it replaces the files it describes (retireManifest):
    // while it is at it, that is what to say, not "rerun it" (trial II was told both).
    const unfinished =
      code !== 'ENOENT' || !CheckpointStore.exists(dir)
        ? `is ${dir} the output folder of a finished amlprep run?`
        : (runningThere(dir) ??
          `${dir} holds the checkpoints of a run that has not finished writing its outputs: ` +
            'rerun it to finish');
    throw new InputError(`${path}: cannot read (${code}); ${unfinished}`, error);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new InputError(`${path}: not valid JSON`, error);
  }
  const problem = manifestShapeProblem(manifest);
  if (problem !== null) {
    throw new InputError(`${path}: ${problem}; not a manifest amlprep wrote, or edited since`);
  }
  return manifest;
}

/** Refuses a manifest whose row counts disagree with its summary (manifestCountsProblem). */
export function refuseInconsistentCounts(dir: string, manifest: Manifest): void {
  const problem = manifestCountsProblem(manifest);
  if (problem === null) return;
  throw new InputError(
    `${join(dir, MANIFEST_FILE)}: ${problem}; not a manifest amlprep wrote, or edited since`,
  );
}

/**
 * Refuses, for the files `names`, one that is missing or not a regular file, and a manifest
 * whose row count for a file is more than the file's bytes could hold (a row takes at least a
 * byte), before a reader sizes its arrays by it: an edited count of 10^12 made `export
 * --format multignn` fail allocating them (trial N, "internal error"). A folder in a file's
 * place was measured as one (trial Q: "more than its 4096 bytes could hold").
 */
export function refuseImpossibleRows(
  dir: string,
  manifest: Manifest,
  names: readonly OutputName[] = NAMES,
): void {
  for (const name of names) {
    const path = join(dir, OUTPUT_FILES[name]);
    const bytes = regularFile(path).size;
    const rows = manifest.files[name].rows;
    if (rows > bytes) {
      // A file cut short is the changed one, not the manifest (trial EE: a file truncated to
      // 100 bytes had the intact manifest blamed).
      const sized = sizeProblem(path, manifest.files[name].bytes);
      if (sized !== null) throw differsFromManifest(sized, path);
      throw new InputError(
        `${MANIFEST_FILE} says ${path} has ${rows} rows, more than its ${bytes} bytes could ` +
          `hold; the manifest was edited or belongs to another run`,
      );
    }
  }
}

/** What `outputBatches` does with a file that is not the one manifest.json describes. */
export interface BatchOptions {
  /**
   * Told each difference instead of a rejection: a row count other than the manifest's, and a
   * SHA-256 other than its (the file's bytes are hashed as they are read). Columns that differ
   * still reject: nothing could be read by them.
   */
  warn?: (message: string) => void;
  /** Hash the file as it is read and reject at its end when the SHA-256 is not the manifest's. */
  verify?: boolean;
  /** Stops the reading before the next batch with an AbortedError (`export aborted`). */
  signal?: AbortSignal | null;
}

/**
 * The record batches of one output file, read one at a time by the file's footer so that a
 * file of any size is read in the memory of one batch. Checks the schema against the
 * manifest's column list first and the row count at the end.
 */
export async function* outputBatches(
  dir: string,
  manifest: Manifest,
  name: OutputName,
  options: BatchOptions = {},
): AsyncGenerator<RecordBatch> {
  const path = join(dir, OUTPUT_FILES[name]);
  // A difference from the manifest: a warning for `inspect`, a refusal for the others.
  const differs = (reason: string): void => {
    if (options.warn === undefined) throw differsFromManifest(reason, path);
    options.warn(`${path}: ${reason}`);
  };
  // A file of another size than the run wrote cannot hold its bytes: said before any of it is
  // read (readOutputs without `verify` took no hash, and returned what still decoded).
  const sized = sizeProblem(path, manifest.files[name].bytes);
  if (sized !== null) differs(sized);

  // A file of another size has another hash: not taken again to say so.
  const hashed = (options.warn !== undefined || options.verify === true) && sized === null;
  const stopHashing = new AbortController();
  const hashing = hashed ? hashOf(path, stopHashing.signal) : null;
  // Awaited at the end; a failure before then is the reader's to report.
  hashing?.catch(() => undefined);
  let read = false;
  try {
    const file = await openReader(path);
    try {
      checkColumns(path, file.schema, manifest.columns[name]);
      const expected = manifest.files[name].rows;
      const ranged = rangedColumns(manifest, name);
      const checks = fileChecks(manifest, name, options.warn === undefined);
      const rows = yield* batchesOf(path, file, { expected, ranged, checks }, options);
      if (rows !== expected) differs(`${rows} rows, but ${MANIFEST_FILE} says ${expected}`);
      for (const check of checks) {
        const problem = check.problem();
        if (problem === null) continue;
        // Unreadable: changed bytes give other counts and values too, and are then named by
        // the SHA-256.
        if (options.warn === undefined) {
          throw new UnreadableOutputError(`${problem}; not this run's file, or edited since`, path);
        }
        options.warn(`${path}: ${problem}`);
      }
      read = true;
    } finally {
      await file.close();
    }
  } finally {
    // Reading that stopped early (a failure, an abort, a caller that broke off) stops the
    // hashing too, rather than leave it reading a file of gigabytes for nobody.
    if (!read) stopHashing.abort();
  }
  if (hashing !== null) {
    const problem = differentHash(await hashing, manifest.files[name].sha256);
    if (problem !== null) differs(problem);
  }
}

/** What a reader checks a file's values against, batch by batch, then as a whole. */
interface FileCheck {
  add(batch: RecordBatch, firstRow: number): void;
  problem(): string | null;
}

/**
 * The checks of file `name` against the manifest: its normalized columns against the scaler,
 * train_resampled.arrow's classes against the options and the train split, and for the
 * readers that hand the files on (`refuse`), edges.arrow's counts and split (`inspect`
 * tallies those itself, and warns).
 */
function fileChecks(manifest: Manifest, name: OutputName, refuse: boolean): FileCheck[] {
  if (name === 'trainResampled') return [new ResampledCounts(manifest)];
  const scaled = new ScaledColumns(manifest, name);
  return name === 'edges' && refuse ? [new EdgeCounts(manifest), scaled] : [scaled];
}

/**
 * The file's batches by index, each awaited, so a signal or an abort is heard between them.
 * Arrow JS's own iteration reads the footer's next block until it holds a record batch: a
 * changed byte in a batch's header made it read that block again and again without end, deaf
 * to signals (trial M). Here a block that holds no record batch is a damaged file.
 */
async function* batchesOf(
  path: string,
  file: CheckedArrowFile,
  {
    expected,
    ranged,
    checks,
  }: { expected: number; ranged: ReturnType<typeof rangedColumns>; checks: FileCheck[] },
  options: BatchOptions,
): AsyncGenerator<RecordBatch, number> {
  if (file.batchCount === 0) yield new RecordBatch(file.schema);

  let rows = 0;
  let warnedValues = false;
  for (let index = 0; index < file.batchCount; index++) {
    if (options.signal?.aborted === true) throw AbortedError.of(options.signal, 'export');
    let batch: RecordBatch;
    try {
      batch = await file.batch(index);
    } catch (error) {
      throw notArrow(path, error);
    }
    rows += batch.numRows;
    // Readers size their arrays by the manifest: a longer file (another run's) stops here,
    // before a batch is handed on that would not fit.
    if (rows > expected && options.warn === undefined) {
      throw differsFromManifest(
        `more than the ${expected} rows ${MANIFEST_FILE} says (another run's file?)`,
        path,
      );
    }
    // Readers index node arrays by the node ids, and code tables by the codes: one past the
    // end is another run's file, or a table cut short in the manifest.
    const badValue = rangeProblem(batch, ranged, rows - batch.numRows);
    if (badValue !== null) {
      // Unreadable: a changed byte in a file gives such values too, and then the file is named
      // by its SHA-256 (changedOutputError); an edited manifest leaves this message as it is.
      const reason = `${badValue.message} (${MANIFEST_FILE}); ${badValue.why}`;
      if (options.warn === undefined) throw new UnreadableOutputError(reason, path);
      if (!warnedValues) options.warn(`${path}: ${reason}`);
      warnedValues = true;
    }
    for (const check of checks) check.add(batch, rows - batch.numRows);
    yield batch;
  }
  return rows;
}

/** A file's SHA-256 (beside a reader's own reads, the page cache serves one of them). */
async function hashOf(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  } catch (error) {
    throw cannotRead(path, error);
  }
  return hash.digest('hex');
}

async function openReader(path: string): Promise<CheckedArrowFile> {
  regularFile(path);
  try {
    return await CheckedArrowFile.open(path);
  } catch (error) {
    throw errnoName(error) === null ? notArrow(path, error) : cannotRead(path, error);
  }
}

/**
 * A file that cannot be read as Arrow: the system's error code when there is one, else what
 * is wrong with it (Arrow JS's own text, "Cannot read properties of null", says nothing to a
 * user).
 */
function notArrow(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = error instanceof ArrowDamage ? `: ${error.message}` : '';
  const reason = code ?? `damaged, cut short or not an Arrow file${why}`;
  return new UnreadableOutputError(`cannot read as Arrow IPC (${reason})`, path, error);
}

/**
 * Refuses a file whose columns differ from the manifest's, by name or by type: readers take
 * the file's values by the manifest's types, and an edited type (or a changed byte in the
 * schema) was read without a word, or refused without the file's name (trial O).
 */
function checkColumns(path: string, schema: Schema, expected: readonly ColumnInfo[]): void {
  const actual = schema.fields;
  const listed = expected.map((column) => column.name);
  const differs = columnDifference(
    actual.map((field) => field.name),
    listed,
  );
  // Not said as how the file differs: a changed byte in its schema reads as another column
  // name, so the files are hashed (changedOutputError), and a changed file is named as such
  // (trial EE: one flipped bit read as `"dax_cos_z", but manifest.json lists "day_cos_z"`).
  if (differs !== null) throw new UnreadableOutputError(differs, path);

  const typed = expected.findIndex((column, i) => typeName(actual[i]!.type) !== column.type);
  if (typed !== -1) {
    throw new UnreadableOutputError(
      `column ${typed + 1} (${expected[typed]!.name}) is of type ` +
        `${typeName(actual[typed]!.type)}, but ${MANIFEST_FILE} lists ${expected[typed]!.type}`,
      path,
    );
  }
}

/**
 * Where a file's column names first differ from the manifest's list, or null. Past the end of
 * the shorter list, its length is said (trial T: "but manifest.json lists null").
 */
function columnDifference(file: string[], listed: string[]): string | null {
  const at = listed.findIndex((name, i) => file[i] !== name);
  if (at === -1 && file.length === listed.length) return null;
  const where = at === -1 ? listed.length : at;
  if (where >= file.length) {
    return (
      `has ${file.length} columns, but ${MANIFEST_FILE} lists ${listed.length} ` +
      `(column ${where + 1} is ${JSON.stringify(listed[where])})`
    );
  }
  const is = `column ${where + 1} is ${JSON.stringify(file[where])}`;
  if (where >= listed.length) {
    return `${is}, but ${MANIFEST_FILE} lists only ${listed.length} columns`;
  }
  return `${is}, but ${MANIFEST_FILE} lists ${JSON.stringify(listed[where])}`;
}

/** Rejects a path that is missing or not a regular file, saying which. */
function regularFile(path: string): Stats {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  if (stats.isDirectory()) throw new InputError(`${path}: is a folder, not an output file`);
  if (!stats.isFile()) throw new InputError(`${path}: not a regular file (${kindOf(stats)})`);
  return stats;
}

/**
 * A failure of amlprep's own code while it read outputs (a TypeError, a RangeError) as the
 * file that explains it: bytes changed since the run wrote them decode into values no run
 * writes (a time of -9e18, a split code of 7), and inspect and export were "internal error"
 * with a stack (trial L). The files are hashed against the manifest; the first that differs
 * is named. Anything else, or when every file has its bytes, is returned as it is.
 */
export async function changedOutputError(error: unknown, dir: string): Promise<unknown> {
  // A file error names its own file (whileHeld); a file Arrow cannot read may be a changed one.
  const unreadable = error instanceof UnreadableOutputError;
  if (unreadable && SAID_HOW.has(error)) return error;
  if (!unreadable && (error instanceof AmlprepError || errnoName(error) !== null)) return error;
  let manifest: Manifest;
  try {
    manifest = readManifest(dir);
  } catch {
    return error;
  }
  for (const name of NAMES) {
    try {
      await verifyFile(dir, manifest, name);
    } catch (changed) {
      if (!(changed instanceof UnreadableOutputError)) continue;
      const why = unreadable
        ? error.reason
        : error instanceof Error
          ? error.message
          : String(error);
      const path = join(dir, OUTPUT_FILES[name]);
      return new UnreadableOutputError(
        `${changed.reason}, and reading it failed (${why})`,
        path,
        error,
      );
    }
  }
  return error;
}

async function verifyFile(dir: string, manifest: Manifest, name: OutputName): Promise<void> {
  const path = join(dir, OUTPUT_FILES[name]);
  const file = manifest.files[name];
  const problem = sizeProblem(path, file.bytes) ?? differentHash(await hashOf(path), file.sha256);
  if (problem !== null) throw differsFromManifest(problem, path);
}

/**
 * Refusals that say how a file differs from its manifest (size, hash, rows): already
 * the explanation `changedOutputError` would look for, so returned by it as they are.
 */
const SAID_HOW = new WeakSet<UnreadableOutputError>();

function differsFromManifest(reason: string, path: string): UnreadableOutputError {
  const error = new UnreadableOutputError(reason, path);
  SAID_HOW.add(error);
  return error;
}

/**
 * How a file's size differs from the manifest's, or null when it does not; a missing file, a
 * folder or a device in its place is refused as such.
 */
function sizeProblem(path: string, recorded: number): string | null {
  const size = regularFile(path).size;
  if (size === recorded) return null;
  return `${size} bytes, not the ${recorded} in ${MANIFEST_FILE}; the file was changed`;
}

/** How a file's SHA-256 differs from the manifest's, or null when it does not. */
function differentHash(actual: string, recorded: string): string | null {
  if (actual === recorded) return null;
  return (
    `SHA-256 ${actual.slice(0, 12)}… differs from the ${recorded.slice(0, 12)}… in ` +
    `${MANIFEST_FILE}; the file was changed`
  );
}
