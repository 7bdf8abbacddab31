import { InputError } from '../errors.js';
import type { FeatureInfo, Manifest } from '../output/manifest.js';
import type { OutputName } from '../output/outputs.js';

/**
 * Column choices made from manifest.json alone (roles and feature lists, never positions), so
 * an export keeps working when columns are added or reordered.
 */

/** Model input of a feature table: `<name>_z` for a scaled feature, the raw column otherwise. */
export function modelInputColumns(features: readonly FeatureInfo[]): string[] {
  return features.map((f) => f.normalized ?? f.name);
}

/** Names of the columns of `file` whose role is `role`, in file order. */
export function columnsWithRole(manifest: Manifest, file: OutputName, role: string): string[] {
  return manifest.columns[file].filter((c) => c.role === role).map((c) => c.name);
}

/** The one column of `file` with role `role`. */
export function columnWithRole(manifest: Manifest, file: OutputName, role: string): string {
  const names = columnsWithRole(manifest, file, role);
  if (names.length !== 1) {
    throw new InputError(
      `manifest.json: expected one ${file} column with role "${role}", ` + `found ${names.length}`,
    );
  }
  return names[0]!;
}

/** The feature columns of train_resampled.arrow (roles `feature:*`), in file order. */
export function resampledFeatureColumns(manifest: Manifest): string[] {
  return manifest.columns.trainResampled
    .filter((c) => c.role.startsWith('feature:'))
    .map((c) => c.name);
}

/** The edge columns every export needs, found by role. */
export function edgeRoleColumns(manifest: Manifest) {
  return {
    src: columnWithRole(manifest, 'edges', 'source node_id'),
    dst: columnWithRole(manifest, 'edges', 'target node_id'),
    label: columnWithRole(manifest, 'edges', 'label'),
    split: columnWithRole(manifest, 'edges', 'split'),
    id: columnWithRole(manifest, 'edges', 'id'),
  };
}
