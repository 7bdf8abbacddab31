import type { Imbalance } from '../options.js';
import type { RunResult } from '../run.js';
import type { MemoryPlan } from '../memory/plan.js';
import { formatSize } from '../memory/size.js';
import { chunks, fmtSeconds } from './progress.js';

/**
 * The end-of-run summary, in the spirit of the notebook it replaces. `imbalance` is the run's
 * method (default SMOTE), for why nothing was resampled.
 */
export function formatSummary(r: RunResult, imbalance: Imbalance = 'smote'): string {
  const s = r.summary;
  const lines: string[] = [];
  const n = (x: number) => x.toLocaleString('en-US');
  lines.push('', 'amlprep summary', '---------------');
  // Counts right-aligned with each other, and the class columns under their labels (a trial
  // found 20,000 nodes over 200,000 edges, and y=0 six columns left of its counts).
  const counts = [s.nodes, s.edges, s.rejectedRows].map(n);
  const wide = Math.max(...counts.map((c) => c.length));
  const [nodes, edges, rejected] = counts.map((c) => c.padStart(wide));
  lines.push(`nodes          ${nodes}   (${s.nodeFeatures} features)`);
  lines.push(`edges          ${edges}   (${s.edgeFeatures} features)`);
  if (s.rejectedRows > 0) {
    lines.push(
      `rejected rows  ${rejected}   (see ${r.outputs.rejectedRows ?? 'rejected_rows.csv'})`,
    );
  }
  lines.push('', `${'class distribution'.padEnd(22)}${'y=0'.padStart(9)}  ${'y=1'.padStart(9)}`);
  for (const split of ['train', 'validation', 'test'] as const) {
    const [a, b] = s.splits[split];
    lines.push(`  ${split.padEnd(18)}  ${n(a).padStart(9)}  ${n(b).padStart(9)}`);
  }
  lines.push(
    `  resampled train     ${n(s.resampled.rows).padStart(9)} rows ${howResampled(r, imbalance)}`,
  );
  lines.push(
    '',
    `class weights  0: ${s.classWeights['0'].toPrecision(6)}   ` +
      `1: ${s.classWeights['1'].toPrecision(6)}   (cost multiplier ${s.multiplier})`,
  );
  // Most edges first, ties by name: the order inspect lists them in.
  const typologies = Object.entries(s.typologyCounts).sort(
    ([a, x], [b, y]) => y - x || (a < b ? -1 : 1),
  );
  if (typologies.length > 0) {
    // AMLworld has eight; a patterns file of hundreds made one line of thousands of
    // characters (a fresh-user trial). inspect lists them all.
    const shown = typologies.slice(0, MAX_TYPOLOGIES).map(([k, v]) => `${k} ${n(v)}`);
    const more = typologies.length - shown.length;
    if (more > 0) shown.push(`and ${n(more)} more (amlprep inspect lists all)`);
    lines.push(`typologies     ${shown.join(', ')}`);
  }
  lines.push('', 'steps');
  for (const o of r.steps) {
    const how =
      o.how === 'loaded'
        ? 'loaded from checkpoint'
        : `computed${o.chunksReused > 0 ? ` (${chunks(o.chunksReused)} reused)` : ''}`;
    lines.push(`  ${o.step.padEnd(14)} ${fmtSeconds(o.seconds).padStart(9)}  ${how}`);
  }
  lines.push(`  ${'total'.padEnd(14)} ${fmtSeconds(r.seconds).padStart(9)}`);
  if (r.resumed.length > 0) lines.push(`loaded from checkpoints: ${r.resumed.join(', ')}`);
  lines.push(
    r.memory === null
      ? 'memory budget  not needed: every step came from its checkpoint'
      : memoryLine(r.memory),
  );
  lines.push(
    '',
    `outputs in ${r.out}: nodes.arrow, edges.arrow, train_resampled.arrow, manifest.json`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * How the training set was resampled, read from the counts: SMOTE adds synthetic rows,
 * undersampling leaves fewer rows than the train split has, and otherwise nothing changed
 * (`--imbalance none`, classes already at the ratio, or too few minority rows for SMOTE).
 */
function howResampled(r: RunResult, imbalance: Imbalance): string {
  const { rows, synthetic, minorityLabel } = r.summary.resampled;
  if (synthetic > 0) {
    return `(${synthetic.toLocaleString('en-US')} synthetic of class ${minorityLabel})`;
  }
  const [y0, y1] = r.summary.splits.train;
  if (rows < y0 + y1) return '(undersampled)';
  // Said here too: a rerun that takes every step from its checkpoints gives no warnings.
  const minority = minorityLabel === 0 ? y0 : y1;
  if (imbalance === 'smote' && minority < 2) {
    return `(no resampling: SMOTE needs 2 minority rows, train has ${minority})`;
  }
  return '(no resampling)';
}

/** The memory budget and what it decided, with the estimate it was compared with. */
function memoryLine(m: MemoryPlan): string {
  const how = m.streaming
    ? `edge features streamed through a file (whole run estimated at about ` +
      `${formatSize(m.estimate.streaming)}; ${formatSize(m.estimate.inMemory)} in memory)`
    : `edge features held in memory (whole run estimated at about ` +
      `${formatSize(m.estimate.inMemory)})`;
  return `memory budget  ${formatSize(m.budget)}: ${how}`;
}

/** Typologies named in the summary, most edges first. */
const MAX_TYPOLOGIES = 10;
