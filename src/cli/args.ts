import { parseArgs, type ParseArgsConfig } from 'node:util';

import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` with its errors turned into one-line usage errors naming the command. */
export function parse(command: string, argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's text for an unknown option goes on about positionals after '--'; the flag is
    // what matters.
    const unknown = /^Unknown option '([^']*)'/.exec(message);
    // parseArgs reads `--smote-ratio -1` as two flags; `--smote-ratio=-1` is unambiguous.
    const hint = message.includes('ambiguous') ? '; write negative numbers as --flag=-1' : '';
    const said =
      unknown === null
        ? `${message.split('\n')[0]!.replace(/\.$/, '')}${hint}`
        : `unknown option '${unknown[1]}'`;
    throw new UsageError(`${command}: ${said} (see 'amlprep ${command} --help')`);
  }
}

/**
 * Whole numbers, with `_` separators and k/m suffixes allowed: 250k, 5m, 5_000_000. A minus
 * sign is read too, so `--workers=-1` meets the option's own range check and its message.
 */
export function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(-?\d+(?:_\d+)*)([kKmM]?)$/.exec(value.trim());
  if (m === null)
    throw new UsageError(`${flag} must be a whole number, got ${JSON.stringify(value)}`);
  const base = Number((m[1] as string).replace(/_/g, ''));
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2] as string] ?? 1;
  // Past 2^53 the number read is not the one written: say so, quoting what was written.
  if (!Number.isSafeInteger(base * scale))
    throw new UsageError(`${flag} is too large, got ${JSON.stringify(value)}`);
  return base * scale;
}

export function decimal(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`${flag} must be a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Library messages name `options.chunkSize`; on the command line that is `--chunk-size`. */
export function asFlags(message: string): string {
  return message.replace(
    /options\.([a-zA-Z]+)/g,
    (_, name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  );
}
