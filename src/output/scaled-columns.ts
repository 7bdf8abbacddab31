import type { RecordBatch } from 'apache-arrow';

import { dictionaryCodes, f64 } from '../export/batch-columns.js';
import { columnWithRole } from '../export/roles.js';
import type { Manifest } from './manifest.js';

/** A scaled feature: its raw and normalized columns and the manifest's statistics of it. */
interface Scaled {
  raw: string;
  z: string;
  mean: number;
  std: number;
  min: number | null;
  max: number | null;
  /** Smallest and largest raw value of the rows the scaler was fitted on, as read so far. */
  seenMin: number;
  seenMax: number;
}

/**
 * A feature file's normalized columns against its raw ones and the manifest's scaler, as a
 * reader reads the file batch by batch: every `<name>_z` must be `(x − mean) / std` with the
 * manifest's mean and std, bit for bit (amlprep writes it so), and each scaled feature's min
 * and max those of the rows it was fitted on (all nodes; the train split's edges). Trial Z: a
 * scaler changed a little in the manifest passed every reader, which handed it on.
 */
export class ScaledColumns {
  readonly #kind: 'node' | 'edge';
  readonly #scaled: Scaled[];
  /** edges.arrow's split column: min and max are of its train rows. */
  readonly #split: string | null;
  #mismatch: string | null = null;

  constructor(manifest: Manifest, file: 'nodes' | 'edges') {
    this.#kind = file === 'nodes' ? 'node' : 'edge';
    const stats = manifest.scaler[this.#kind];
    this.#scaled = stats.names.map((raw, c) => ({
      raw,
      z: `${raw}_z`,
      mean: stats.mean[c]!,
      std: stats.std[c]!,
      min: stats.min[c] ?? null,
      max: stats.max[c] ?? null,
      seenMin: Infinity,
      seenMax: -Infinity,
    }));
    this.#split = file === 'edges' ? columnWithRole(manifest, 'edges', 'split') : null;
  }

  /** Rows `firstRow ..` of the file. */
  add(batch: RecordBatch, firstRow: number): void {
    const fitted = this.#fittedRows(batch);
    for (const s of this.#scaled) {
      const raw = f64(batch, s.raw);
      const z = f64(batch, s.z);
      for (let i = 0; i < raw.length; i++) {
        const x = raw[i]!;
        if (fitted === null || fitted[i] === 1) {
          if (x < s.seenMin) s.seenMin = x;
          if (x > s.seenMax) s.seenMax = x;
        }
        const want = (x - s.mean) / s.std;
        if (z[i] === want || this.#mismatch !== null) continue;
        if (Number.isNaN(want) && Number.isNaN(z[i])) continue;
        this.#mismatch =
          `row ${firstRow + i} has ${s.z} ${z[i]}, but its ${s.raw} ${x} and "scaler.` +
          `${this.#kind}" (mean ${s.mean}, std ${s.std}) give ${want}`;
      }
    }
  }

  /** How the file's values differ from the manifest's scaler, or null. */
  problem(): string | null {
    if (this.#mismatch !== null) return this.#mismatch;
    const rows = this.#kind === 'node' ? 'nodes' : 'train edges';
    for (const s of this.#scaled) {
      // No fitted row read: min and max are the 0 amlprep writes, nothing to compare with.
      if (s.seenMin > s.seenMax || s.min === null || s.max === null) continue;
      if (s.seenMin !== s.min || s.seenMax !== s.max) {
        return (
          `"scaler.${this.#kind}" holds ${s.raw} with min ${s.min} and max ${s.max}, but ` +
          `the file's ${rows} range from ${s.seenMin} to ${s.seenMax}`
        );
      }
    }
    return null;
  }

  /** 1 for each row of the batch the scaler was fitted on; null when all of them were. */
  #fittedRows(batch: RecordBatch): Uint8Array | null {
    if (this.#split === null) return null;
    const { codes, dictionary } = dictionaryCodes(batch, this.#split);
    const train = dictionary.indexOf('train');
    const out = new Uint8Array(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = codes[i] === train ? 1 : 0;
    return out;
  }
}
