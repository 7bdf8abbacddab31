import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read once from package.json (two levels above src/ and dist/src/). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'amlprep' && pkg.version !== undefined) return (cached = pkg.version);
    } catch {
      // Not at this level; try the next.
    }
  }
  return (cached = '0.0.0');
}
