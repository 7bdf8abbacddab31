import { EDGE_FEATURES, NODE_FEATURES } from '../features/definitions.js';
import { columnInfo, featureInfo, type FeatureInfo } from './manifest.js';
import type { OutputName } from './outputs.js';

/** The keys of a feature entry that readers act on; `definition` is text for people. */
const FEATURE_KEYS = ['index', 'name', 'role', 'scaled', 'normalized'] as const;

type Listed = {
  features: Record<'node' | 'edge', FeatureInfo[]>;
  columns: Record<OutputName, { name: string; role: string }[]>;
};

/**
 * How the manifest's feature lists, and the roles of the columns amlprep names, differ from
 * what this version writes, or null. An npy export picks x.npy's columns by the feature list
 * (each feature's normalized column, else its raw one): an edited entry exported another
 * column, twice the same one, or 20 columns, with exit 0 (trial T); a role edited from
 * `feature:continuous` to `feature:flag` misled every script that reads roles, unnoticed.
 */
export function canonProblem(manifest: Listed): string | null {
  for (const [kind, defs] of [
    ['node', NODE_FEATURES],
    ['edge', EDGE_FEATURES],
  ] as const) {
    const expected = featureInfo(defs);
    const listed = manifest.features[kind];
    if (listed.length !== expected.length) {
      return `"features.${kind}" lists ${listed.length} features, not the ${expected.length} amlprep writes`;
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
