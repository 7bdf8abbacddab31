import type { RecordBatch } from 'apache-arrow';

import { dictionaryCodes, i8 } from '../export/batch-columns.js';
import { edgeRoleColumns } from '../export/roles.js';
import type { Manifest } from './manifest.js';

/**
 * The edges of each split and class, and of each typology, that edges.arrow holds, tallied
 * batch by batch as a reader reads them, to compare with the manifest's summary when done:
 * the class weights a caller takes from the manifest are checked against its own train
 * counts (manifestCountsProblem), and those against the file here (trial Y: one edge moved
 * between the summary's splits, weights edited to match, was handed on by export and
 * readOutputs; only inspect, which tallies the same, warned).
 */
export class EdgeCounts {
  readonly #splits = new Map<string, [number, number]>();
  readonly #typologies = new Map<string, number>();
  readonly #roles: { label: string; split: string };

  constructor(manifest: Manifest) {
    this.#roles = edgeRoleColumns(manifest);
  }

  add(batch: RecordBatch): void {
    const y = i8(batch, this.#roles.label);
    const split = dictionaryCodes(batch, this.#roles.split);
    const perSplit = split.dictionary.map((name) => this.#split(name));
    for (let i = 0; i < y.length; i++) perSplit[split.codes[i]!]![y[i] === 1 ? 1 : 0]++;

    const typology = dictionaryCodes(batch, 'typology');
    const perCode = new Float64Array(typology.dictionary.length);
    for (let i = 0; i < typology.codes.length; i++) perCode[typology.codes[i]!]!++;
    perCode.forEach((n, code) => {
      const name = typology.dictionary[code]!;
      if (n > 0 && name !== '') this.#typologies.set(name, (this.#typologies.get(name) ?? 0) + n);
    });
  }

  /** How the tallies differ from the manifest's summary, or null. */
  problem(manifest: Manifest): string | null {
    const stated = manifest.summary.splits;
    for (const name of new Set([...Object.keys(stated), ...this.#splits.keys()])) {
      const [zero, one] = this.#splits.get(name) ?? [0, 0];
      const [z, o] = (stated as Record<string, [number, number] | undefined>)[name] ?? [0, 0];
      if (zero !== z || one !== o) {
        return (
          `${name}: the file holds ${zero}/${one} edges of class 0/1, manifest.json's ` +
          `"summary.splits" says ${z}/${o}`
        );
      }
    }
    const listed = new Set(manifest.typologies);
    for (const name of this.#typologies.keys()) {
      if (!listed.has(name)) return `typology ${name}: in the file, not in manifest.json's list`;
    }
    const counts = manifest.summary.typologyCounts as Record<string, number>;
    for (const name of new Set([...Object.keys(counts), ...this.#typologies.keys()])) {
      const got = this.#typologies.get(name) ?? 0;
      if ((counts[name] ?? 0) !== got) {
        return (
          `typology ${name}: the file holds ${got} edges, manifest.json's ` +
          `"summary.typologyCounts" says ${counts[name] ?? 0}`
        );
      }
    }
    return null;
  }

  #split(name: string): [number, number] {
    let counts = this.#splits.get(name);
    if (counts === undefined) this.#splits.set(name, (counts = [0, 0]));
    return counts;
  }
}
