import { EDGE_FEATURES, NODE_FEATURES } from '../features/definitions.js';
import { compareCodePoints } from '../ingest/code-point-order.js';
import { columnInfo, featureInfo, type FeatureInfo } from './manifest.js';
import type { OutputName } from './outputs.js';

/** The keys of a feature entry that readers act on; `definition` is text for people. */
const FEATURE_KEYS = ['index', 'name', 'role', 'scaled', 'normalized'] as const;

type Listed = {
  features: Record<'node' | 'edge', FeatureInfo[]>;
  scaler: Record<'node' | 'edge', Record<(typeof SCALER_LISTS)[number], unknown[]>>;
  columns: Record<OutputName, { name: string; role: string }[]>;
  dictionaries: Record<string, string[]>;
};

/**
 * How the manifest's feature lists, and the roles of the columns amlprep names, differ from
 * what this version writes, or null. An npy export picks x.npy's columns by the feature list
 * (each feature's normalized column, else its raw one): an edited entry exported another
 * column, twice the same one, or 20 columns, with exit 0 (trial T); a role edited from
 * `feature:continuous` to `feature:flag` misled every script that reads roles, unnoticed.
 * Also each code dictionary's order.
 */
export function canonProblem(manifest: Listed): string | null {
  for (const [kind, defs] of [
    ['node', NODE_FEATURES],
    ['edge', EDGE_FEATURES],
  ] as const) {
    const expected = featureInfo(defs);
    const listed = manifest.features[kind];
    if (listed.length !== expected.length) {
      const count = `${listed.length} features, not the ${expected.length} amlprep writes`;
      return `"features.${kind}" lists ${count}`;
    }
    for (const [i, feature] of expected.entries()) {
      const key = FEATURE_KEYS.find((k) => listed[i]![k] !== feature[k]);
      if (key !== undefined) {
        return (
          `"features.${kind}[${i}].${key}" is ${JSON.stringify(listed[i]![key] ?? null)}, ` +
          `not ${JSON.stringify(feature[key])}`
        );
      }
    }
  }

  const scaler = scalerProblem(manifest);
  if (scaler !== null) return scaler;

  // Codes index dictionaries sorted by code point (SPEC §2), one entry a value: two entries
  // swapped, or one renamed to another's name, were exported by multignn as the mapping of
  // its codes, with exit 0 (trial U).
  for (const [name, values] of Object.entries(manifest.dictionaries)) {
    const at = values.findIndex((v, i) => i > 0 && compareCodePoints(values[i - 1]!, v) >= 0);
    if (at !== -1) {
      return (
        `"dictionaries.${name}[${at}]" is ${JSON.stringify(values[at])}, after ` +
        `${JSON.stringify(values[at - 1])}: not the sorted, distinct values amlprep writes`
      );
    }
  }

  const written = columnInfo();
  for (const file of Object.keys(written) as OutputName[]) {
    const roles = new Map(written[file].map((c) => [c.name, c.role]));
    for (const [i, column] of manifest.columns[file].entries()) {
      const role = roles.get(column.name);
      if (role !== undefined && column.role !== role) {
        return `"columns.${file}[${i}].role" is ${JSON.stringify(column.role)}, not "${role}"`;
      }
    }
  }
  return null;
}

/** The scaler's lists, one entry a scaled feature each. */
const SCALER_LISTS = ['cols', 'names', 'mean', 'std', 'min', 'max'] as const;

/**
 * How the scaler's statistics are not one entry for each scaled feature, in feature order
 * (`cols` and `names` as this version writes them), or null: a caller that normalizes new rows
 * with them would scale one column by another's statistics.
 */
function scalerProblem(manifest: Listed): string | null {
  for (const [kind, defs] of [
    ['node', NODE_FEATURES],
    ['edge', EDGE_FEATURES],
  ] as const) {
    const scaled = featureInfo(defs).filter((f) => f.scaled);
    const stats = manifest.scaler[kind];
    for (const list of SCALER_LISTS) {
      if (stats[list].length !== scaled.length) {
        return (
          `"scaler.${kind}.${list}" lists ${stats[list].length} values, not one for each of ` +
          `the ${scaled.length} scaled features`
        );
      }
    }
    for (const [i, feature] of scaled.entries()) {
      for (const [list, expected] of [
        ['cols', feature.index - 1],
        ['names', feature.name],
      ] as const) {
        if (stats[list][i] !== expected) {
          return (
            `"scaler.${kind}.${list}[${i}]" is ${JSON.stringify(stats[list][i])}, not ` +
            `${JSON.stringify(expected)}`
          );
        }
      }
    }
  }
  return null;
}
