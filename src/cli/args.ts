import { parseArgs, type ParseArgsConfig } from 'node:util';

import { nearestName } from '../api-arguments.js';
import { UsageError } from '../errors.js';
import { kebab } from '../options.js';
import { commandsTaking } from './command-options.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` with its errors turned into one-line usage errors naming the command. A flag
 * given twice is refused: parseArgs keeps the last value, and which one a long run used
 * should not depend on the reader noticing the repeat.
 */
export function parse(command: string, argv: string[], options: Options) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw usageError(command, error, argv, options);
  }
  refuseRepeats(command, parsed.tokens, options);
  const { values, positionals } = parsed;
  return { values, positionals };
}

/**
 * A `parseArgs` error as the one-line usage error every command gives; an unknown flag near
 * one of the command's `options` is said with it, as the library does for its option keys.
 */
export function usageError(
  command: string,
  error: unknown,
  argv: string[] = [],
  options: Options = {},
): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const flags = Object.keys(options).map((name) => `--${name}`);
  const words = plainWords(message, argv, flags, command);
  return new UsageError(`${command}: ${words} (see 'amlprep ${command} --help')`);
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** Refuses a flag (not declared `multiple`) that `tokens` hold twice. */
export function refuseRepeats(command: string, tokens: Token[], options: Options): void {
  const seen = new Map<string, string | undefined>();
  for (const token of tokens) {
    if (token.kind !== 'option' || options[token.name]?.multiple === true) continue;
    if (seen.has(token.name)) {
      const values = [seen.get(token.name), token.value].filter((v) => v !== undefined);
      const given = values.length === 2 ? ` (${values.join(', then ')})` : '';
      throw new UsageError(
        `${command}: --${token.name} given twice${given}: give it once ` +
          `(see 'amlprep ${command} --help')`,
      );
    }
    seen.set(token.name, token.value);
  }
}

/**
 * Flags of one command that another spells otherwise: every command but `run` takes `--json`,
 * and `generate`'s `--force` is the library's `overwrite` (trial EE typed `run --json`). A
 * run starts over with `--fresh`, where generate and many other tools say `--force`.
 */
const OTHER_NAMES: Readonly<Record<string, string>> = {
  '--json': '--log-format json',
  '--overwrite': '--force',
  '--force': '--fresh',
};

/** What `flag` is called by the command taking `flags`, when it has another name there. */
function otherName(flag: string, flags: readonly string[]): string | undefined {
  const other = Object.hasOwn(OTHER_NAMES, flag) ? OTHER_NAMES[flag]! : undefined;
  return other !== undefined && flags.includes(other.split(' ')[0]!) ? other : undefined;
}

/**
 * The flag a command's argument would have as an option: `run()` takes the transactions file
 * as `transactions`, which `run` takes as its argument (and `export` as a flag of its own).
 */
const ARGUMENT_FLAGS: Readonly<Record<string, string>> = { run: '--transactions' };

/**
 * What an unknown `flag` of `command` is said with: the flag of its own it was likely meant
 * as, or else the other commands that take it exactly (`generate --quiet`: run's). Only an
 * exact name is said of another command: a near one there would be a guess twice over.
 */
function unknownFlagHint(flag: string, flags: readonly string[], command: string): string {
  const near = nearestName(flag, flags) ?? otherName(flag, flags);
  if (near !== undefined) return ` (did you mean ${near}?)`;
  if (ARGUMENT_FLAGS[command] === flag) {
    return ` (the ${flag.slice(2)} file is the argument of ${command}, not a flag)`;
  }
  const others = commandsTaking(flag, command).map((other) => `'amlprep ${other}'`);
  if (others.length === 0) return '';
  const last = others.pop()!;
  const listed = others.length === 0 ? last : `${others.join(', ')} and ${last}`;
  return ` (a flag of ${listed}, not of ${command})`;
}

/** parseArgs' message for a bad flag, in the words amlprep's other usage errors use. */
function plainWords(
  message: string,
  argv: string[],
  flags: readonly string[],
  command: string,
): string {
  // Node's text for an unknown option goes on about positionals after '--'; the flag is
  // what matters.
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown !== null) {
    return `unknown option '${unknown[1]}'${unknownFlagHint(unknown[1]!, flags, command)}`;
  }
  const flag = /^Option '([^']*)'/.exec(message);
  if (flag === null) return message.split('\n')[0]!.replace(/\.$/, '');

  const name = longName(flag[1]!);
  if (message.includes('argument missing')) return `${name} needs a value`;
  if (message.includes('does not take an argument')) return `${name} takes no value`;
  // parseArgs reads `--smote-ratio -1` as two flags; `--smote-ratio=-1` is unambiguous.
  if (message.includes('ambiguous')) {
    const at = argv.indexOf(name);
    const next = at === -1 ? undefined : argv[at + 1];
    if (next !== undefined && !/^-[\d.]/.test(next)) {
      return `${name} needs a value: '${next}' after it is another option`;
    }
    // The example is the value given, when it is a negative number (a trial's --sample -5 was
    // shown --sample=-1).
    const value = next !== undefined && /^-[\d.]/.test(next) ? next : '-1';
    return (
      `${name} needs a value, and what follows it starts with '-': a value that does (a ` +
      `negative number) is joined with '=', as in ${name}=${value}`
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
export function integer(
  flag: string,
  value: string | undefined,
  range?: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(-?\d+(?:_\d+)*)(?:\.(\d+))?([kKmM]?)$/.exec(value.trim());
  const places = { '': 0, k: 3, K: 3, m: 6, M: 6 }[m?.[3] ?? ''] ?? 0;
  // Zeros at the end of the decimals change nothing: 1.0 is 1, as 2.50k is 2.5k.
  const decimals = (m?.[2] ?? '').replace(/0+$/, '');
  // Decimals are shifted as digits, never multiplied: 1.1k is 1100, not 1100.0000000000002.
  if (m === null || decimals.length > places) {
    throw new UsageError(`${flag} must be a whole number, got ${JSON.stringify(value)}`);
  }
  const digits = (m[1] as string).replace(/_/g, '') + decimals.padEnd(places, '0');
  const n = Number(digits);
  // Past 2^53 the number read is not the one written: say so, quoting what was written, with
  // the flag's own range when it has one (`--workers` is at most 256, not 2^53).
  if (!Number.isSafeInteger(n) && range !== undefined) {
    throw new UsageError(
      `${flag} must be an integer from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`,
    );
  }
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(
      `${flag} is too large (at most ${Number.MAX_SAFE_INTEGER}), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function decimal(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Written in decimal, with an exponent if need be (1e9): Number() would also take `0x10`
  // and `0b1`, which are more likely slips than ratios. Spaces around it are dropped, as for
  // whole numbers (a value from a shell variable).
  if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value.trim())) {
    throw new UsageError(
      `${flag} must be a decimal number (like 0.5), got ${JSON.stringify(value)}`,
    );
  }
  const n = Number(value.trim());
  // 1e-400 reads as 0, which means something else (trial X: SMOTE then silently off).
  const mantissa = value.trim().split(/[eE]/)[0]!;
  if (n === 0 && /[1-9]/.test(mantissa)) {
    throw new UsageError(
      `${flag} is too close to 0 to be a number here, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Library messages name `options.chunkSize`; on the command line that is `--chunk-size`. The
 * transactions file is the command's argument, not a flag.
 */
export function asFlags(message: string): string {
  return message
    .replace(/options\.transactions\b/g, 'the transactions file argument')
    .replace(/options\.([a-zA-Z]+)/g, (_, name: string) => `--${kebab(name)}`);
}
