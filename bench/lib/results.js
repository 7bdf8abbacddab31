// @ts-check
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BENCH_DIR = new URL('../', import.meta.url).pathname;
const RESULTS_DIR = join(BENCH_DIR, 'results');
const RESULTS_MD = join(BENCH_DIR, 'RESULTS.md');

/**
 * Appends one entry to bench/results/<YYYY-MM-DD>-<hostname>.json (a `{ runs: [] }` file, so
 * several runs on one day sit side by side) and returns the file's path.
 * @param {string} host
 * @param {object} entry
 */
export function saveJson(host, entry) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}-${host}.json`);
  /** @type {{ runs: object[] }} */
  let file = { runs: [] };
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    if (Array.isArray(parsed?.runs)) file = parsed;
  }
  file.runs.push(entry);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

/** @param {string} markdown */
export function appendMarkdown(markdown) {
  const header = existsSync(RESULTS_MD)
    ? ''
    : '# amlprep benchmark results\n\n' +
      'Appended by `bench/pipeline.js` and `bench/micro.js`; newest at the bottom. ' +
      'See bench/README.md for what each number means.\n';
  appendFileSync(RESULTS_MD, `${header}\n${markdown.trimEnd()}\n`);
  return RESULTS_MD;
}

/**
 * The command as a person would retype it: npm scripts show up as `npm run <name>`.
 * @param {string} script  path of the script relative to the package root
 */
export function commandLine(script) {
  const args = process.argv.slice(2).map(quoteArg).join(' ');
  const npmScript = process.env.npm_lifecycle_event;
  if (npmScript !== undefined && npmScript !== '') {
    return `npm run ${npmScript}${args === '' ? '' : ` -- ${args}`}`;
  }
  return `node ${script}${args === '' ? '' : ` ${args}`}`;
}

/** @param {string} arg */
function quoteArg(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
