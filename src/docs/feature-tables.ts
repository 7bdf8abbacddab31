import {
  EDGE_FEATURES,
  isScaled,
  NODE_FEATURES,
  type FeatureDef,
} from '../features/definitions.js';

/**
 * The README's feature tables, made from the same definitions as the kernels, so the two
 * cannot drift: a test fails when the README's copy differs (`npm run docs` rewrites it).
 */
export function featureTablesMarkdown(): string {
  return [
    '**Node features** (`nodes.arrow`, one row per account)',
    '',
    table(NODE_FEATURES),
    '',
    '**Edge features** (`edges.arrow`, one row per transaction)',
    '',
    table(EDGE_FEATURES),
  ].join('\n');
}

function table(defs: readonly FeatureDef[]): string {
  const head = '| # | column | role | normalized copy | definition |\n|---|---|---|---|---|';
  const rows = defs.map(
    (f, i) =>
      `| ${i + 1} | \`${f.name}\` | ${f.role} | ` +
      `${isScaled(f) ? `\`${f.name}_z\`` : '—'} | ${f.definition.replace(/\|/g, '\\|')} |`,
  );
  return [head, ...rows].join('\n');
}

export const FEATURES_START = '<!-- feature-tables:start (generated: npm run docs) -->';
export const FEATURES_END = '<!-- feature-tables:end -->';

/** README text with the generated block replaced by the current tables. */
export function withFeatureTables(readme: string): string {
  const a = readme.indexOf(FEATURES_START);
  const b = readme.indexOf(FEATURES_END);
  if (a === -1 || b === -1) throw new Error('README lacks the feature-table markers');
  const head = readme.slice(0, a + FEATURES_START.length);
  return `${head}\n${featureTablesMarkdown()}\n${readme.slice(b)}`;
}
