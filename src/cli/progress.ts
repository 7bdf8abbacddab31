import type { ProgressEvent } from '../events.js';
import type { StepName } from '../options.js';
import type { CliIo } from './io.js';

const LINE_EVERY_MS = 5_000;

/**
 * Renders progress events for people running batch jobs. On a terminal: one bar per step,
 * redrawn in place, with chunks, rate and ETA. Elsewhere: a line at each step's start and end,
 * and a progress line at most every five seconds. With NO_COLOR set (https://no-color.org),
 * the bar is redrawn with a carriage return and spaces instead of ANSI escapes.
 */
export function progressPrinter(io: CliIo, quiet = false): (event: ProgressEvent) => void {
  const tty = io.stderr.isTTY === true && io.env.TERM !== 'dumb';
  const out = io.stderr;
  const redraw = lineRedrawer(tty, noColor(io.env));
  let stepStart = 0;
  let lastLine = 0;
  let current: { step: StepName; total: number; reused: number; rows: number } | null = null;

  return (event) => {
    if (quiet && event.kind !== 'warning') return;
    const now = Date.now();
    switch (event.kind) {
      case 'step-start':
        stepStart = now;
        lastLine = now;
        current = { step: event.step, total: event.chunks, reused: event.reused, rows: 0 };
        if (!tty) {
          const reused = event.reused > 0 ? `, ${event.reused} from checkpoints` : '';
          const count = event.chunks > 0 ? ` (${chunks(event.chunks)}${reused})` : '';
          out.write(`[${stamp()}] ${event.step}: start${count}\n`);
        }
        return;
      case 'chunk-done': {
        if (current === null) return;
        current.rows += event.rows;
        const elapsed = (now - stepStart) / 1000;
        const computed = event.done - current.reused;
        const rate = elapsed > 0 ? computed / elapsed : 0;
        const eta = rate > 0 ? (event.total - event.done) / rate : 0;
        if (tty) {
          out.write(
            redraw(
              bar(event.step, event.done, event.total, current.rows / Math.max(elapsed, 1e-3), eta),
            ),
          );
        } else if (now - lastLine >= LINE_EVERY_MS) {
          lastLine = now;
          out.write(
            `[${stamp()}] ${event.step}: ${event.done}/${event.total} chunks, ` +
              `${fmtRate(current.rows / Math.max(elapsed, 1e-3))}, ETA ${fmtSeconds(eta)}\n`,
          );
        }
        return;
      }
      case 'step-end': {
        const how = event.loaded
          ? 'loaded from checkpoint'
          : `done in ${fmtSeconds(event.seconds)}`;
        if (tty) out.write(redraw(`✔ ${event.step.padEnd(14)} ${how}\n`));
        else out.write(`[${stamp()}] ${event.step}: ${how}\n`);
        current = null;
        return;
      }
      case 'note':
        out.write(redraw(`note: ${event.message}\n`));
        return;
      case 'warning':
        out.write(redraw(`warning: ${event.message}\n`));
        return;
    }
  };
}

/** NO_COLOR counts when present and not empty, as https://no-color.org defines it. */
export function noColor(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

/**
 * Text that replaces the bar on the current terminal line (a text ending in a line break
 * leaves it for good). ANSI erase-line when allowed; with NO_COLOR a carriage return and
 * enough spaces to cover the bar; off a terminal the text alone, since nothing is redrawn.
 */
function lineRedrawer(tty: boolean, plain: boolean): (text: string) => string {
  let shown = 0;
  return (text) => {
    if (!tty) return text;
    if (!plain) return `\r\x1b[2K${text}`;
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const line = `\r${body.padEnd(shown)}${text.slice(body.length)}`;
    shown = body === text ? text.length : 0;
    return line;
  };
}

function bar(
  step: string,
  done: number,
  total: number,
  rowsPerSecond: number,
  eta: number,
): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return (
    `  ${step.padEnd(14)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
    `${done}/${total} chunks  ${fmtRate(rowsPerSecond)}  ETA ${fmtSeconds(eta)}`
  );
}

function fmtRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M rows/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k rows/s`;
  return `${perSecond.toFixed(0)} rows/s`;
}

/** `1 chunk`, `4 chunks`. */
export function chunks(n: number): string {
  return `${n} ${n === 1 ? 'chunk' : 'chunks'}`;
}

export function fmtSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}
