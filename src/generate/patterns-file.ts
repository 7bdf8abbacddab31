import type { FileSink } from './file-sink.js';
import type { LaunderingPlan } from './laundering.js';

/**
 * Writes the patterns file in the real layout: per attempt a BEGIN line (with two spaces
 * before the detail, as the real files have), the attempt's rows byte for byte as in the
 * transactions file, an END line and a blank line.
 */
export async function writePatterns(sink: FileSink, plan: LaunderingPlan): Promise<void> {
  for (const attempt of plan.attempts) {
    const detail = attempt.detail === '' ? '' : `:  ${attempt.detail}`;
    const rows = attempt.lines.map((line) => line.toString('latin1')).join('');
    const begin = `BEGIN LAUNDERING ATTEMPT - ${attempt.typology}${detail}`;
    const end = `END LAUNDERING ATTEMPT - ${attempt.typology}`;
    await sink.writeText(`${begin}\n${rows}${end}\n\n`);
  }
}
