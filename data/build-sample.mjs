#!/usr/bin/env node
// Builds data/sample/ from the real rows in data/real/ (see data/real/SOURCES.md). No row is
// invented or edited: the transactions file is the raw LI-Small head followed by the
// transaction lines of the HI-Medium and LI-Medium patterns files (CRLF line ends become LF);
// the patterns file is those two files one after the other; the accounts file is the raw
// LI-Small accounts head. Run: node data/build-sample.mjs
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const real = (name) => readFileSync(join(here, 'real', name), 'utf8').replace(/\r\n/g, '\n');
const out = join(here, 'sample');
mkdirSync(out, { recursive: true });

const head = real('li-small-trans-head99.csv').trimEnd().split('\n');
const isRow = (line) => line !== '' && !line.startsWith('BEGIN ') && !line.startsWith('END ');
const hi = real('hi-medium-patterns.txt').split('\n').filter(isRow);
const li = real('li-medium-patterns.txt').split('\n').filter(isRow);

writeFileSync(join(out, 'transactions.csv'), `${[...head, ...hi, ...li].join('\n')}\n`);
writeFileSync(join(out, 'patterns.txt'),
  real('hi-medium-patterns.txt').trimEnd() + '\n\n' + real('li-medium-patterns.txt'));
copyFileSync(join(here, 'real', 'li-small-accounts-head.csv'), join(out, 'accounts.csv'));
console.log(`data/sample: ${head.length - 1 + hi.length + li.length} transactions ` +
  `(${head.length - 1} LI-Small head, ${hi.length} HI-Medium and ${li.length} LI-Medium pattern rows)`);
