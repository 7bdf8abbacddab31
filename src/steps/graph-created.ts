import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  lstatSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

import type { FileFingerprint } from '../checkpoint/fingerprint.js';
import { errnoName } from '../checkpoint/folder.js';
import { placeFile, type FolderIdentity } from '../checkpoint/folder-identity.js';
import { EDGE_FEATURES, NODE_FEATURES } from '../features/definitions.js';
import { SPLIT_NAMES } from '../features/split.js';
import { packageVersion } from '../version.js';
import {
  columnInfo,
  featureInfo,
  fileEntries,
  type Manifest,
  type RunSummary,
} from '../output/manifest.js';
import { MANIFEST_FILE, retireManifest } from '../output/manifest-file.js';
import { OUTPUT_FILES, writeOutputs, type OutputName } from '../output/outputs.js';
import { NO_REJECTS, placeRejectedRows, REJECTED_ROWS_FILE } from '../output/rejected-rows.js';
import type { Context } from '../pipeline/context.js';
import { resampledRows } from '../pipeline/resampled.js';
import { optionsOf } from '../pipeline/step-record.js';
import { openNewFile } from '../temp-files.js';
import { syncDir } from '../output/arrow-file.js';

/**
 * Step 7, `graph_created` (SPEC §9). Reads every earlier result. Writes `nodes.arrow`,
 * `edges.arrow`, `train_resampled.arrow` and `manifest.json`. Its record keeps each file's
 * SHA-256, so a rerun trusts the outputs only while their bytes are unchanged.
 */
export async function createGraph(
  ctx: Context,
  inputs: Manifest['inputs'],
): Promise<{
  summary: RunSummary;
  hashes: Record<OutputName | 'manifest' | 'rejectedRows', string>;
}> {
  const loaded = ctx.loaded!;
  const norm = ctx.normalized!;
  const resampled = ctx.resampled!;
  retireManifest(ctx.opts.out, ctx.folder);
  const files = await writeOutputs(
    ctx.opts.out,
    ctx.pool,
    {
      loaded,
      nodeMatrix: ctx.nodeMatrix!,
      edgeFeatures: ctx.edgeFeatures!,
      norm,
      resampled,
    },
    ctx.signal,
    ctx.folder,
  );
  // Written by data_loaded when it ran in this run; restored from its checkpoint otherwise.
  const rejectedRows =
    ctx.rejectedRows ??
    placeRejectedRows(ctx.opts.out, loaded.rejects, ctx.folder, (message) =>
      ctx.emit({ kind: 'note', step: 'graph_created', message }),
    );
  const summary = summarize(ctx);
  const manifest: Manifest = {
    amlprep: packageVersion(),
    createdAt: new Date().toISOString(),
    files: fileEntries(files, {
      nodes: loaded.nodes.count,
      edges: loaded.edges.rows,
      trainResampled: resampledRows(resampled),
    }),
    columns: columnInfo(),
    features: { node: featureInfo(NODE_FEATURES), edge: featureInfo(EDGE_FEATURES) },
    scaler: { node: norm.node, edge: norm.edge },
    split: {
      shares: ctx.opts.split,
      cutDays: [norm.cuts.i, norm.cuts.j],
      days: norm.cuts.days,
      firstDay: new Date(norm.cuts.firstDay * 86_400_000).toISOString().slice(0, 10),
    },
    classWeights: summary.classWeights,
    summary,
    // SPEC §2 names the columns; the manifest uses those names.
    dictionaries: {
      currency: loaded.dict.currency,
      format: loaded.dict.format,
      bank: loaded.dict.bank,
      entity_type: loaded.dict.entityType,
    },
    typologies: loaded.typologies,
    // This run's options: a step loaded from its checkpoint keeps the options of the run
    // that recorded it, which may differ in options later steps depend on (seed, split).
    options: optionsOf(ctx),
    inputs,
    load: loaded.report,
    steps: ctx.outcomes,
  };
  const manifestText = writeJson(join(ctx.opts.out, MANIFEST_FILE), manifest, ctx.folder);
  const hashes = {
    manifest: createHash('sha256').update(manifestText).digest('hex'),
    nodes: files.nodes.sha256,
    edges: files.edges.sha256,
    trainResampled: files.trainResampled.sha256,
    rejectedRows,
  };
  return { summary, hashes };
}

/** The outputs named by a `graph_created` record, if all are present with the same bytes. */
export async function outputsIntact(
  dir: string,
  hashes: Record<string, string>,
): Promise<string | null> {
  // A link at an output name is replaced by the file, as a computed run does, even when
  // what it names has the same bytes (a fresh-user trial found one kept).
  const withRejects = hashes.rejectedRows !== undefined && hashes.rejectedRows !== NO_REJECTS;
  const names = [...Object.values(OUTPUT_FILES), MANIFEST_FILE];
  for (const name of withRejects ? [...names, REJECTED_ROWS_FILE] : names) {
    if (lstatSync(join(dir, name), { throwIfNoEntry: false })?.isSymbolicLink() === true) {
      return `${name} is a symbolic link`;
    }
  }
  for (const name of Object.keys(OUTPUT_FILES) as OutputName[]) {
    const path = join(dir, OUTPUT_FILES[name]);
    if (!existsSync(path)) return `${OUTPUT_FILES[name]} is missing`;
    const problem = await hashProblem(path, OUTPUT_FILES[name], hashes[name]!);
    if (problem !== null) return problem;
  }
  const manifest = join(dir, MANIFEST_FILE);
  if (!existsSync(manifest)) return `${MANIFEST_FILE} is missing`;
  // Records written before the manifest's hash was kept check its presence only.
  if (hashes.manifest !== undefined) {
    const problem = await hashProblem(manifest, MANIFEST_FILE, hashes.manifest);
    if (problem !== null) return problem;
  }
  // Records written before the rejects file's hash was kept do not check it.
  const rejects = join(dir, REJECTED_ROWS_FILE);
  if (hashes.rejectedRows !== undefined && hashes.rejectedRows !== NO_REJECTS) {
    if (!existsSync(rejects)) return `${REJECTED_ROWS_FILE} is missing`;
    return hashProblem(rejects, REJECTED_ROWS_FILE, hashes.rejectedRows);
  }
  return null;
}

/**
 * Which input the manifest names by another path than this run was given, as a reason to
 * write the outputs again, or null. Steps are reused by the inputs' bytes, not their paths, so
 * a run on a renamed file loaded every step and kept a manifest naming the old one, which a
 * multignn export then could not open (trial X).
 */
export function otherInputPath(
  dir: string,
  inputs: Record<string, FileFingerprint | null>,
): string | null {
  let written: Record<string, { path?: unknown } | null | undefined>;
  try {
    const text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
    written = (JSON.parse(text) as { inputs?: typeof written }).inputs ?? {};
  } catch {
    return null;
  }
  const named: string[] = [];
  const given: string[] = [];
  for (const [name, now] of Object.entries(inputs)) {
    const was = written[name]?.path;
    if (now === null || typeof was !== 'string' || resolve(was) === resolve(now.path)) continue;
    named.push(`${was} as the ${name} file`);
    given.push(now.path);
  }
  if (named.length === 0) return null;
  return `${MANIFEST_FILE} names ${named.join(' and ')}; this run was given ${given.join(' and ')}`;
}

function summarize(ctx: Context): RunSummary {
  const e = ctx.loaded!.edges;
  const split = ctx.normalized!.split;
  const splits = { train: [0, 0], validation: [0, 0], test: [0, 0] } as RunSummary['splits'];
  for (let r = 0; r < e.rows; r++) splits[SPLIT_NAMES[split[r]!]!][e.label[r]!]!++;

  const typologyCounts: Record<string, number> = {};
  for (let r = 0; r < e.rows; r++) {
    const t = ctx.loaded!.typology[r]!;
    if (t >= 0) {
      const name = ctx.loaded!.typologies[t]!;
      typologyCounts[name] = (typologyCounts[name] ?? 0) + 1;
    }
  }
  const r = ctx.resampled!;
  const [w0, w1] = ctx.weights!.weights;
  return {
    nodes: ctx.loaded!.nodes.count,
    edges: e.rows,
    rejectedRows: ctx.loaded!.rejects.length,
    nodeFeatures: NODE_FEATURES.length,
    edgeFeatures: EDGE_FEATURES.length,
    splits,
    resampled: {
      rows: resampledRows(r),
      synthetic: r.syntheticRows,
      minorityLabel: r.minorityLabel,
      k: r.k,
    },
    classWeights: { '0': w0, '1': w1 },
    multiplier: ctx.weights!.multiplier,
    typologyCounts,
  };
}

/** Writes `value` as JSON atomically (temporary file, rename); returns the text written. */
export function writeJson(path: string, value: unknown, folder?: FolderIdentity): string {
  const tmp = `${path}.tmp`;
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const fd = openNewFile(tmp);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  placeFile(tmp, path, folder);
  syncDir(join(path, '..'));
  return text;
}

/**
 * Why the file `name` at `path` is not the one recorded (`recorded`, its SHA-256), or null.
 * One this user cannot read is rewritten as a changed one is: reading it for the check failed
 * with EACCES, worded as "cannot write" (trial L), where writing it anew works.
 */
async function hashProblem(path: string, name: string, recorded: string): Promise<string | null> {
  let actual: string;
  try {
    actual = await sha256(path);
  } catch (error) {
    return `${name} cannot be read (${errnoName(error) ?? String(error)})`;
  }
  return actual === recorded ? null : `${name} was changed`;
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
