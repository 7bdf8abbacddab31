import { STEPS, type StepName } from '../../src/index.js';

export interface StepLine {
  /** `computed` or `loaded` (from checkpoint), as the summary's step line says. */
  how: 'computed' | 'loaded';
  /** Chunks the summary says were reused while computing the step. */
  reused: number;
}

const HOW = '(computed(?: \\((\\d+) chunks? reused\\))?|loaded from checkpoint)';
const STEP_LINE = new RegExp(`^ {2}(${STEPS.join('|')})\\s.*\\s${HOW}$`);

/** The `steps` block of the CLI's end-of-run summary, step by step. */
export function summarySteps(stdout: string): Map<StepName, StepLine> {
  const out = new Map<StepName, StepLine>();
  for (const line of stdout.split('\n')) {
    const m = STEP_LINE.exec(line);
    if (m === null) continue;
    const how = m[2]!.startsWith('computed') ? 'computed' : 'loaded';
    out.set(m[1] as StepName, { how, reused: m[3] === undefined ? 0 : Number(m[3]) });
  }
  return out;
}

/** Steps the summary lists as computed (not loaded from a checkpoint), in order. */
export function computedSteps(stdout: string): StepName[] {
  return [...summarySteps(stdout)].filter(([, s]) => s.how === 'computed').map(([step]) => step);
}

const START_LINE =
  /^\[\d\d:\d\d:\d\d\] (\w+): start \((\d+) chunks?(?:, (\d+) from checkpoints)?\)$/;

/** From the batch-mode progress lines: chunks each step took from checkpoints at its start. */
export function chunksFromCheckpoints(stderr: string): Map<StepName, number> {
  const out = new Map<StepName, number>();
  for (const line of stderr.split('\n')) {
    const m = START_LINE.exec(line);
    if (m !== null) out.set(m[1] as StepName, m[3] === undefined ? 0 : Number(m[3]));
  }
  return out;
}
