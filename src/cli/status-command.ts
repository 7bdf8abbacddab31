import { UsageError } from '../errors.js';
import { status } from '../status.js';
import { parse } from './args.js';
import { COMMAND_OPTIONS } from './command-options.js';
import { EXIT, type CliIo } from './io.js';
import { withJsonErrors } from './log-format.js';
import { chunks as chunkCount, fmtSeconds } from './progress.js';

const HELP = `Usage: amlprep status <dir> [--json]

Lists the checkpoints of an output folder: each step with its completion time, counts,
duration and options, and for an unfinished step the chunks recorded so far. A step is
'stale' when the step before it was recomputed after it (other options, or a run that
stopped between them), or is stale itself.

Options:
  --json       print the steps as one JSON array
  -h, --help   this text
`;

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  // A script that asked for JSON reads its errors as JSON too (one object on stderr).
  return withJsonErrors(argv, io, () => statusParsed(argv, io));
}

async function statusParsed(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('status', argv, COMMAND_OPTIONS.status);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1 || positionals[0] === '')
    throw new UsageError("status takes one folder (see 'amlprep status --help')");

  const steps = await status(positionals[0] as string);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(steps, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const s of steps) {
    if (s.record === null) {
      const done =
        s.chunksTotal === null
          ? chunkCount(s.chunksDone)
          : `${s.chunksDone} of ${chunkCount(s.chunksTotal)}`;
      // A step with a plan has started, though a kill may have come before its first chunk
      // was recorded; `--json` gives its chunksTotal, and the text said "not run" (a trial).
      const started = s.chunksDone > 0 || s.chunksTotal !== null;
      // Every chunk recorded but not the step (a stop as it finished): "20 of 20 chunks
      // recorded" read as done (trial O).
      const allDone = s.chunksTotal !== null && s.chunksTotal > 0 && s.chunksDone === s.chunksTotal;
      const chunks = allDone
        ? `unfinished: all ${done.replace(/^\d+ of /, '')} recorded, not the step's end`
        : started
          ? `unfinished: ${done} recorded`
          : 'not run';
      io.stdout.write(`${s.step.padEnd(14)} ${chunks}\n`);
      continue;
    }
    const r = s.record;
    const counts = Object.entries(r.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const state = s.stale ? 'stale' : 'done';
    io.stdout.write(
      `${s.step.padEnd(14)} ${state} ${r.finishedAt}  ${fmtSeconds(r.durationMs / 1000)}` +
        `  chunks=${r.chunks}  ${counts}\n`,
    );
    if (s.stale) {
      const before = steps[steps.indexOf(s) - 1]!;
      const why = before.stale
        ? `made on top of the stale ${before.step}`
        : `made before ${before.step} was last computed`;
      io.stdout.write(`${''.padEnd(14)} ${why}\n`);
    }
    io.stdout.write(`${''.padEnd(14)} options ${JSON.stringify(r.options)}\n`);
  }
  return EXIT.ok;
}
