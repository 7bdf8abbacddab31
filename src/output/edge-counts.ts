import type { RecordBatch } from 'apache-arrow';

import { dictionaryCodes, i64AsNumbers, i8 } from '../export/batch-columns.js';
import { edgeRoleColumns } from '../export/roles.js';
import type { Manifest } from './manifest.js';
import { SplitDays } from './split-days.js';

const TIMESTAMP = 'timestamp[s, UTC]';

/** Rows of one class pair: label 0, label 1 and both. */
export interface ClassCounts {
  '0': number;
  '1': number;
  total: number;
}

export function classCounts(): ClassCounts {
  return { '0': 0, '1': 0, total: 0 };
}

/** Counts `n` rows of `label` (a label other than 0 or 1, of a damaged file, in total only). */
export function tally(c: ClassCounts, label: number, n = 1): void {
  if (label === 0 || label === 1) c[label === 0 ? '0' : '1'] += n;
  c.total += n;
}

/**
 * The edges of each split and class, and of each typology, that edges.arrow holds, tallied
 * batch by batch as a reader reads them. `inspect` reports them and warns of each difference
 * from the manifest's summary; the readers that hand the files on refuse a summary that
 * differs (`problem`): the class weights a caller takes from the manifest are checked against
 * its own train counts (manifestCountsProblem), and those against the file here (trial Y: one
 * edge moved between the summary's splits, weights edited to match, was handed on).
 */
export class EdgeCounts {
  readonly splits = new Map<string, ClassCounts>();
  readonly typologies = new Map<string, number>();
  readonly #roles: { label: string; split: string };
  readonly #timestamp: string | null;
  readonly #days: SplitDays;
  readonly #manifest: Manifest;
  #rows = 0;
  #order: string | null = null;

  constructor(manifest: Manifest) {
    this.#manifest = manifest;
    this.#roles = edgeRoleColumns(manifest);
    this.#timestamp = manifest.columns.edges.find((c) => c.type === TIMESTAMP)?.name ?? null;
    this.#days = new SplitDays(manifest);
  }

  add(batch: RecordBatch): void {
    const y = i8(batch, this.#roles.label);
    const split = dictionaryCodes(batch, this.#roles.split);
    const perSplit = split.dictionary.map((name) => this.#split(name));
    for (let i = 0; i < y.length; i++) tally(perSplit[split.codes[i]!]!, y[i]!);
    if (batch.getChild('typology') !== null) this.#addTypologies(batch);
    if (this.#timestamp !== null) {
      const ts = i64AsNumbers(batch, this.#timestamp);
      this.#days.add(ts, split.codes, split.dictionary, this.#rows);
    }
    this.#rows += batch.numRows;
  }

  /**
   * How the manifest's split differs from the file's timestamps and split column, or null:
   * a problem of its own, which `inspect` warns of beside the count differences.
   */
  splitProblem(): string | null {
    return this.#days.problem(this.#manifest);
  }

  /**
   * How the tallies differ from the manifest's summary and typology list (names, then order),
   * or how its split differs from the file's timestamps; null when nothing does.
   */
  problem(): string | null {
    const manifest = this.#manifest;
    const stated = manifest.summary.splits as Record<string, [number, number] | undefined>;
    for (const name of new Set([...Object.keys(stated), ...this.splits.keys()])) {
      const got = this.splits.get(name) ?? classCounts();
      const [zero, one] = stated[name] ?? [0, 0];
      if (got['0'] !== zero || got['1'] !== one || got.total !== zero + one) {
        return (
          `${name}: the file holds ${got['0']}/${got['1']} edges of class 0/1, manifest.json's ` +
          `"summary.splits" says ${zero}/${one}`
        );
      }
    }
    const listed = new Set(manifest.typologies);
    for (const name of this.typologies.keys()) {
      if (!listed.has(name)) return `typology ${name}: in the file, not in manifest.json's list`;
    }
    const counts = manifest.summary.typologyCounts as Record<string, number>;
    for (const name of new Set([...Object.keys(counts), ...this.typologies.keys()])) {
      const got = this.typologies.get(name) ?? 0;
      if ((counts[name] ?? 0) !== got) {
        return (
          `typology ${name}: the file holds ${got} edges, manifest.json's ` +
          `"summary.typologyCounts" says ${counts[name] ?? 0}`
        );
      }
    }
    return this.typologyOrderProblem() ?? this.splitProblem();
  }

  /**
   * Where the file's typology names differ from the manifest's list, in order, or null:
   * edges.arrow's codes index `['', ...typologies]`, so a list reordered in the manifest
   * names the wrong typology for each code.
   */
  typologyOrderProblem(): string | null {
    return this.#order;
  }

  #addTypologies(batch: RecordBatch): void {
    const { codes, dictionary } = dictionaryCodes(batch, 'typology');
    this.#order ??= orderProblem(dictionary, this.#manifest.typologies);
    const perCode = new Float64Array(dictionary.length);
    for (let i = 0; i < codes.length; i++) perCode[codes[i]!]!++;
    perCode.forEach((n, code) => {
      const name = dictionary[code]!;
      if (n > 0 && name !== '') this.typologies.set(name, (this.typologies.get(name) ?? 0) + n);
    });
  }

  #split(name: string): ClassCounts {
    let counts = this.splits.get(name);
    if (counts === undefined) this.splits.set(name, (counts = classCounts()));
    return counts;
  }
}

/** Where a batch's typology dictionary first differs from `['', ...listed]`, or null. */
function orderProblem(dictionary: readonly string[], listed: readonly string[]): string | null {
  const expected = ['', ...listed];
  const at = expected.findIndex((name, k) => dictionary[k] !== name);
  if (at === -1 && dictionary.length === expected.length) return null;
  const k = at === -1 ? expected.length : at;
  const file = k < dictionary.length ? JSON.stringify(dictionary[k]) : 'nothing';
  const list = k < expected.length ? JSON.stringify(expected[k]) : 'nothing';
  return (
    `the file's typology code ${k} stands for ${file}, manifest.json's "typologies" ` +
    `give it ${list}`
  );
}
