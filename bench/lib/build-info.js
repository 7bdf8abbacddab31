// @ts-check
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');

/**
 * Which engine was measured. The source changes under a benchmark while others work, so the
 * commit alone is not enough: the hash of the compiled files says exactly what ran.
 * @returns {{ commit: string, dirty: boolean | null, distHash: string }}
 */
export function buildInfo() {
  return {
    commit: git(['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: isDirty(),
    distHash: distHash(),
  };
}

/** @param {ReturnType<typeof buildInfo>} b */
export function buildLine(b) {
  const state = b.dirty === null ? '' : b.dirty ? ' with uncommitted changes' : '';
  return `engine ${b.commit}${state}, dist ${b.distHash}`;
}

function isDirty() {
  const status = git(['status', '--porcelain', '--', 'src', 'workers']);
  return status === null ? null : status.trim() !== '';
}

/**
 * Read-only git queries; null when git or the repository is missing.
 * @param {string[]} args
 */
function git(args) {
  try {
    // stdio 'pipe' keeps git's complaints (no repository, …) off the benchmark's stderr.
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return null;
  }
}

function distHash() {
  const hash = createHash('sha256');
  for (const file of jsFiles(DIST).sort()) {
    hash.update(relative(DIST, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * @param {string} dir
 * @returns {string[]}
 */
function jsFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(path));
    else if (entry.name.endsWith('.js')) out.push(path);
  }
  return out;
}
