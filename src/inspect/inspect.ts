import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { RecordBatch } from 'apache-arrow';

import { optionsArgument, runFolderArgument, shown } from '../api-arguments.js';
import { runHolding, runningThere, whileHeld } from '../checkpoint/lock.js';
import { OptionError } from '../errors.js';
import { f64, i32, i8 } from '../export/batch-columns.js';
import { columnWithRole } from '../export/roles.js';
import type { Manifest } from '../output/manifest.js';
import { classCounts, EdgeCounts, tally, type ClassCounts } from '../output/edge-counts.js';
import { resampledProblem } from '../output/resampled-counts.js';
import { classWeightsProblem } from '../output/manifest-shape.js';
import { OUTPUT_FILES, type OutputName } from '../output/outputs.js';
import { changedOutputError, outputBatches, readManifest } from '../read-outputs.js';
import { ColumnStatsBuilder, type ColumnStats } from './column-stats.js';

export type { ColumnStats };

export type { ClassCounts };

export interface TopAccount {
  node_id: number;
  bank: string;
  account: string;
  out_degree: number;
  in_degree: number;
  degree: number;
}

/** What `amlprep inspect` reports, computed from the Arrow files themselves. */
export interface Inspection {
  dir: string;
  amlprep: string;
  createdAt: string;
  files: Record<OutputName, { file: string; rows: number; bytes: number; columns: ColumnStats[] }>;
  /** Edges per split and class, then all edges. */
  splits: Record<string, ClassCounts>;
  /** Rows of train_resampled.arrow per class. */
  resampled: ClassCounts;
  /** Edges per typology, most frequent first (edges without one are not listed). */
  typologies: { name: string; edges: number }[];
  /** Accounts with the most transactions sent plus received; ties by smaller node_id. */
  topAccounts: TopAccount[];
  /** Differences between what the files hold and what manifest.json says. */
  warnings: string[];
}

export interface InspectOptions {
  /** How many accounts to list by degree. Default: 10. */
  top?: number | null;
}

/** Reads every output file once and reports counts, column statistics and top accounts. */
export async function inspectRun(
  dir: string,
  options?: InspectOptions | null,
): Promise<Inspection> {
  runFolderArgument(dir, 'inspect');
  const count = optionsArgument(options, { top: true }).top ?? 10;
  // A negative count listed nothing without a word (a fresh-user trial).
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new OptionError(`options.top must be an integer of at least 0, got ${shown(count)}`);
  }
  const before = runHolding(dir);
  let inspection: Inspection;
  try {
    inspection = await inspectTables(dir, count);
  } catch (error) {
    throw whileHeld(await changedOutputError(error, dir), dir, before);
  }
  const running = inspection.warnings.length > 0 ? runningThere(dir, before) : null;
  if (running !== null) inspection.warnings.push(running);
  return inspection;
}

async function inspectTables(dir: string, count: number): Promise<Inspection> {
  const manifest = readManifest(dir);
  const top = new TopDegrees(count, columnWithRole(manifest, 'nodes', 'id'));
  const edgeCounts = new EdgeCounts(manifest);
  const resampled = classCounts();
  const resLabel = columnWithRole(manifest, 'trainResampled', 'label');

  const files = {} as Inspection['files'];
  // A file that is not the manifest's (another run's, or changed) is still reported on.
  const differences: string[] = [];
  const warn = (message: string) => void differences.push(message);
  const scan = async (name: OutputName, onBatch: (batch: RecordBatch) => void) => {
    const builders = manifest.columns[name].map((c) => new ColumnStatsBuilder(c.name));
    let rows = 0;
    for await (const batch of outputBatches(dir, manifest, name, { warn })) {
      rows += batch.numRows;
      for (const b of builders) b.add(batch);
      onBatch(batch);
    }
    // What the file holds, which a warning compares with the manifest when they differ.
    const bytes = statSync(join(dir, OUTPUT_FILES[name])).size;
    const columns = builders.map((b) => b.result());
    files[name] = { file: OUTPUT_FILES[name], rows, bytes, columns };
  };

  await scan('nodes', (batch) => top.add(batch));
  await scan('edges', (batch) => edgeCounts.add(batch));
  await scan('trainResampled', (batch) => {
    const y = i8(batch, resLabel);
    for (let i = 0; i < y.length; i++) tally(resampled, y[i]!);
  });

  const { splits, typologies } = edgeCounts;
  const all = classCounts();
  for (const c of splits.values()) for (const y of [0, 1] as const) tally(all, y, c[y]);
  const splitRecord = Object.fromEntries([...splits, ['all', all]]);
  return {
    dir: resolve(dir),
    amlprep: manifest.amlprep,
    createdAt: manifest.createdAt,
    files,
    splits: splitRecord,
    resampled,
    typologies: [...typologies]
      .map(([name, edges]) => ({ name, edges }))
      .sort((a, b) => b.edges - a.edges || (a.name < b.name ? -1 : 1)),
    topAccounts: top.result(),
    warnings: [
      ...differences,
      ...compare(manifest, splitRecord, files, typologies),
      ...fileWarnings(edgeCounts),
    ],
  };
}

/** The `top` largest out_degree + in_degree, in one pass over nodes.arrow. */
class TopDegrees {
  readonly #top: TopAccount[] = [];

  constructor(
    readonly size: number,
    readonly idColumn: string,
  ) {}

  add(batch: RecordBatch): void {
    const ids = i32(batch, this.idColumn);
    const out = f64(batch, 'out_degree');
    const inn = f64(batch, 'in_degree');
    for (let i = 0; i < ids.length; i++) {
      const degree = out[i]! + inn[i]!;
      const last = this.#top[this.size - 1];
      // Rows come in node_id order, so an equal degree never displaces an earlier account.
      if (this.size === 0 || (last !== undefined && degree <= last.degree)) continue;
      this.#insert({
        node_id: ids[i]!,
        bank: String(batch.getChild('bank')!.get(i)),
        account: String(batch.getChild('account')!.get(i)),
        out_degree: out[i]!,
        in_degree: inn[i]!,
        degree,
      });
    }
  }

  result(): TopAccount[] {
    return [...this.#top];
  }

  #insert(entry: TopAccount): void {
    let at = this.#top.findIndex((t) => entry.degree > t.degree);
    if (at === -1) at = this.#top.length;
    this.#top.splice(at, 0, entry);
    if (this.#top.length > this.size) this.#top.pop();
  }
}

/**
 * The manifest's split against edges.arrow's timestamps and split column (SPEC §6), and its
 * typology list against the file's typology codes.
 */
function fileWarnings(counts: EdgeCounts): string[] {
  const split = counts.splitProblem();
  const order = counts.typologyOrderProblem();
  return [
    ...(order === null ? [] : [`typologies: ${order}`]),
    ...(split === null ? [] : [`split: ${split}`]),
  ];
}

/**
 * The summary's counts against the files': edges per split and class, nodes, edges and
 * typologies. (A fresh-user trial edited the last three and got no warning.)
 */
function compare(
  manifest: Manifest,
  splits: Record<string, ClassCounts>,
  files: Inspection['files'],
  typologies: Map<string, number>,
): string[] {
  const warnings: string[] = [];
  const summary = manifest.summary as Partial<Manifest['summary']>;
  for (const [key, file] of [
    ['nodes', 'nodes'],
    ['edges', 'edges'],
  ] as const) {
    if (summary[key] !== files[file].rows) {
      warnings.push(
        `summary.${key}: the files hold ${files[file].rows} ${key}, manifest.json says ` +
          `${JSON.stringify(summary[key])}`,
      );
    }
  }
  const listed = new Set(manifest.typologies);
  for (const name of typologies.keys()) {
    if (!listed.has(name))
      warnings.push(`typologies: the files hold ${name}, manifest.json's list does not`);
  }
  const stated = (summary.typologyCounts ?? {}) as Record<string, unknown>;
  for (const name of new Set([...Object.keys(stated), ...typologies.keys()])) {
    const got = typologies.get(name) ?? 0;
    if ((stated[name] ?? 0) !== got) {
      warnings.push(
        `summary.typologyCounts.${name}: the files hold ${got} edges, manifest.json says ` +
          `${JSON.stringify(stated[name] ?? 0)}`,
      );
    }
  }
  for (const [name, [zero, one]] of Object.entries(manifest.summary.splits)) {
    const got = splits[name] ?? classCounts();
    if (got['0'] !== zero || got['1'] !== one) {
      warnings.push(
        `${name}: the files hold ${got['0']}/${got['1']} edges of class 0/1, ` +
          `manifest.json says ${zero}/${one}`,
      );
    }
  }
  // outputBatches compares train_resampled.arrow with its entry in `files`; the summary's
  // count is compared with that entry, so a file of other rows is not warned of twice (a
  // trial edited the summary's count alone and got no warning).
  const resampled = (summary.resampled as { rows?: unknown } | undefined)?.rows;
  const entry = manifest.files.trainResampled.rows;
  if (resampled !== entry) {
    warnings.push(
      `summary.resampled.rows: manifest.json says ${JSON.stringify(resampled ?? null)}, ` +
        `but its files.trainResampled.rows says ${entry}`,
    );
  }
  const train = splits.train ?? classCounts();
  const weights = classWeightsProblem(manifest, [train['0'], train['1']]);
  if (weights !== null) warnings.push(`class weights: ${weights}`);
  const recipe = resampledProblem(manifest);
  if (recipe !== null) warnings.push(`resampled: ${recipe}`);
  return warnings;
}
