import { parseArgs, type ParseArgsConfig } from 'node:util';

import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` with its errors turned into one-line usage errors naming the command. */
export function parse(command: string, argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(command, error);
  }
}

/** A `parseArgs` error as the one-line usage error every command gives. */
export function usageError(command: string, error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  return new UsageError(`${command}: ${plainWords(message)} (see 'amlprep ${command} --help')`);
}

/** parseArgs' message for a bad flag, in the words amlprep's other usage errors use. */
function plainWords(message: string): string {
  // Node's text for an unknown option goes on about positionals after '--'; the flag is
  // what matters.
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown !== null) return `unknown option '${unknown[1]}'`;
  const flag = /^Option '([^']*)'/.exec(message);
  if (flag === null) return message.split('\n')[0]!.replace(/\.$/, '');

  const name = longName(flag[1]!);
  if (message.includes('argument missing')) return `${name} needs a value`;
  if (message.includes('does not take an argument')) return `${name} takes no value`;
  // parseArgs reads `--smote-ratio -1` as two flags; `--smote-ratio=-1` is unambiguous.
  if (message.includes('ambiguous')) {
    return (
      `${name} needs a value, and what follows it starts with '-': a value that does (a ` +
      `negative number) is joined with '=', as in ${name}=-1`
    );
  }
  return message.split('\n')[0]!.replace(/\.$/, '');
}

/** `--help` from parseArgs' `-h, --help`, `--workers` from `--workers <value>`. */
function longName(quoted: string): string {
  const last = quoted.split(',').pop()!.trim();
  return last.split(' ')[0]!;
}

/**
 * Whole numbers, with `_` separators and k/m suffixes allowed: 250k, 5m, 5_000_000, and 2.5k
 * or 1.5m when the decimals come out whole. A minus sign is read too, so `--workers=-1` meets
 * the option's own range check and its message.
 */
export function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(-?\d+(?:_\d+)*)(?:\.(\d+))?([kKmM]?)$/.exec(value.trim());
  const places = { '': 0, k: 3, K: 3, m: 6, M: 6 }[m?.[3] ?? ''] ?? 0;
  const decimals = m?.[2] ?? '';
  // Decimals are shifted as digits, never multiplied: 1.1k is 1100, not 1100.0000000000002.
  if (m === null || decimals.length > places) {
    throw new UsageError(`${flag} must be a whole number, got ${JSON.stringify(value)}`);
  }
  const digits = (m[1] as string).replace(/_/g, '') + decimals.padEnd(places, '0');
  const n = Number(digits);
  // Past 2^53 the number read is not the one written: say so, quoting what was written.
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(
      `${flag} is too large (at most ${Number.MAX_SAFE_INTEGER}), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function decimal(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Written in decimal, with an exponent if need be (1e9): Number() would also take `0x10`,
  // `0b1` and ` 2`, which are more likely slips than ratios.
  if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value)) {
    throw new UsageError(
      `${flag} must be a decimal number (like 0.5), got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** Library messages name `options.chunkSize`; on the command line that is `--chunk-size`. */
export function asFlags(message: string): string {
  return message.replace(
    /options\.([a-zA-Z]+)/g,
    (_, name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  );
}
