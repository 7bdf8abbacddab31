import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { withFeatureTables } from '../src/docs/feature-tables.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the feature tables generated from the feature definitions', () => {
    expect(withFeatureTables(readme)).toBe(readme);
  });

  it('keeps the two-command quick start', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
