// One engine run next to one reference run, on the same files and options.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareTable, edgeKinds, nodeKinds, readArrow, sameCell, trainKinds } from './compare.js';
import { HEADER } from './fixtures.js';
import { runReference, type ReferenceOptions, type ReferenceOutput } from './spec-reference.js';

export interface ScenarioFiles {
  readonly transactions: string;
  readonly accounts?: string;
  readonly patterns?: string;
}

export interface EngineOutputs {
  readonly nodes: string;
  readonly edges: string;
  readonly trainResampled: string;
  readonly manifest: string;
}

/** A scratch folder under the OS temp dir, removed by the caller. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'amlprep-reference-'));
}

export function referenceFor(files: ScenarioFiles, options: ReferenceOptions): ReferenceOutput {
  const read = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : readFileSync(path, 'utf8');
  return runReference(
    {
      transactions: readFileSync(files.transactions, 'utf8'),
      accounts: read(files.accounts),
      patterns: read(files.patterns),
    },
    options,
  );
}

/** Every disagreement between the engine's files and the reference. */
export function allProblems(outputs: EngineOutputs, reference: ReferenceOutput): string[] {
  return [
    ...compareTable(
      'nodes',
      readArrow(outputs.nodes),
      reference.nodes,
      nodeKinds(reference.nodes.columns),
    ),
    ...compareTable(
      'edges',
      readArrow(outputs.edges),
      reference.edges,
      edgeKinds(reference.edges.columns),
    ),
    ...compareTable(
      'train_resampled',
      readArrow(outputs.trainResampled),
      reference.trainResampled,
      trainKinds(reference.trainResampled.columns),
    ),
    ...weightProblems(outputs.manifest, reference),
  ];
}

function weightProblems(manifestPath: string, reference: ReferenceOutput): string[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    classWeights?: Record<string, unknown>;
  };
  const problems: string[] = [];
  for (const c of [0, 1] as const) {
    const actual = manifest.classWeights?.[String(c)];
    const expected = reference.classWeights[c];
    if (typeof actual !== 'number' || !sameCell(actual, expected, 'float')) {
      problems.push(
        `manifest.classWeights.${c}: engine ${JSON.stringify(actual)}, ` + `reference ${expected}`,
      );
    }
  }
  return problems;
}

/**
 * A copy of some fixture files with one text replaced everywhere: to rerun a scenario
 * without a trap that the engine refuses, so the other columns still get compared.
 */
export function writeVariant(
  dir: string,
  files: ScenarioFiles,
  from: string,
  to: string,
): ScenarioFiles {
  const copy = (path: string | undefined, name: string): string | undefined => {
    if (path === undefined) return undefined;
    const target = join(dir, name);
    writeFileSync(target, readFileSync(path, 'utf8').split(from).join(to));
    return target;
  };
  return {
    transactions: copy(files.transactions, 'transactions.csv') as string,
    accounts: copy(files.accounts, 'accounts.csv'),
    patterns: copy(files.patterns, 'patterns.txt'),
  };
}

/**
 * Scenario (c): the real LI-Small head (all label 0) followed by the first `count`
 * transaction lines of a real Patterns file (all label 1), under the real header.
 */
export function writeCombined(dir: string, head: string, patterns: string, count: number): string {
  const headRows = readFileSync(head, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '');
  const attemptRows = readFileSync(patterns, 'utf8')
    .split(/\r?\n/)
    .filter((l) => /^\d{4}\//.test(l))
    .slice(0, count);
  const path = join(dir, 'combined.csv');
  writeFileSync(path, [HEADER, ...headRows, ...attemptRows].join('\n') + '\n');
  return path;
}
