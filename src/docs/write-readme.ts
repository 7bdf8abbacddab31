import { readFileSync, writeFileSync } from 'node:fs';

import { withFeatureTables } from './feature-tables.js';

/** `npm run docs`: refreshes the generated parts of README.md in place. */
const path = new URL('../../../README.md', import.meta.url);
writeFileSync(path, withFeatureTables(readFileSync(path, 'utf8')));
