import { parseArgs } from 'node:util';

import { UsageError } from '../errors.js';
import { kebab } from '../options.js';
import {
  GENERATE_DEFAULTS,
  MAX_ACCOUNTS,
  MIN_ACCOUNTS,
  TYPOLOGIES,
  generate,
  resolveGenerateOptions,
  type GenerateOptions,
  type GenerateResult,
  type OptionNamer,
} from '../generate/index.js';
import { integer, refuseRepeats, usageError } from './args.js';
import { COMMAND_OPTIONS } from './command-options.js';
import { EXIT, type CliIo } from './io.js';

const HELP = `Usage: amlprep generate --rows N --accounts M --out FILE [options]

Writes synthetic transactions in the AMLworld layout (IBM "Transactions for Anti Money
Laundering"), with about 0.1% laundering rows planted as FAN-OUT, FAN-IN, CYCLE,
SCATTER-GATHER, GATHER-SCATTER, STACK, BIPARTITE and RANDOM attempts.

Options:
  --rows N            data rows to write, laundering rows included (required)
  --accounts M        accounts to create, ${MIN_ACCOUNTS} to ${MAX_ACCOUNTS} (required);
                      accounts that never transact still go to --accounts-out
  --out FILE          the transactions CSV (required)
  --seed S            seed of every random choice (default ${GENERATE_DEFAULTS.seed}); the same
                      options always give byte-identical files
  --accounts-out F    also write the accounts CSV (its Bank ID has no zero padding)
  --patterns-out F    also write the patterns file (BEGIN/END LAUNDERING ATTEMPT blocks)
  --force             replace files that exist at these paths (refused otherwise)
  -h, --help          show this help

Numbers may be written 5000000, 5_000_000, 5m, 250k or 2.5k.
Files are written under a temporary name and renamed when complete.
Example: amlprep generate --rows 5m --accounts 515k --out hi-small-like.csv
`;

const OPTIONS = COMMAND_OPTIONS.generate;

type Values = ReturnType<typeof parse>['values'];

const flagOf: OptionNamer = (option) => `--${kebab(option)}`;

/** `amlprep generate`: writes synthetic AMLworld files and prints what it wrote. */
export async function generateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }

  // Checked here first so that messages name the flags rather than the library's fields.
  const options = toOptions(values);
  resolveGenerateOptions(options, flagOf);

  const started = performance.now();
  const result = await generate(options);
  io.stdout.write(summary(result, (performance.now() - started) / 1000));
  return EXIT.ok;
}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (error) {
    throw usageError('generate', error, argv, OPTIONS);
  }
  refuseRepeats('generate', parsed.tokens, OPTIONS);
  return parsed;
}

function toOptions(values: Values): GenerateOptions {
  const options: GenerateOptions = {
    rows: parseCount('--rows', required('--rows', values.rows)),
    accounts: parseCount('--accounts', required('--accounts', values.accounts)),
    out: required('--out', values.out),
  };

  if (values.seed !== undefined) options.seed = parseCount('--seed', values.seed);
  if (values['accounts-out'] !== undefined) options.accountsOut = values['accounts-out'];
  if (values['patterns-out'] !== undefined) options.patternsOut = values['patterns-out'];
  if (values.force === true) options.overwrite = true;
  return options;
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new UsageError(`generate: ${name} is required (see 'amlprep generate --help')`);
  }
  return value;
}

/** Reads counts as `run` reads its numbers: `5000000`, `5_000_000`, `5m`, `250k`, `2.5k`. */
export function parseCount(name: string, text: string): number {
  return integer(name, text) as number;
}

function summary(result: GenerateResult, seconds: number): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  const counted = (value: number, unit: string): string =>
    `${count(value)} ${unit}${value === 1 ? '' : 's'}`;
  const size = (bytes: number): string => {
    return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
  };
  const attempts = TYPOLOGIES.reduce((sum, typology) => sum + result.attempts[typology], 0);
  const lines = [
    `wrote ${result.files.transactions}: ${counted(result.rows, 'row')}, ` +
      `${count(result.launderingRows)} laundering in ${counted(attempts, 'attempt')}, ` +
      `${size(result.bytes.transactions)}`,
  ];

  if (result.files.accounts !== undefined) {
    lines.push(
      `wrote ${result.files.accounts}: ${counted(result.accounts, 'account')}, ` +
        `${size(result.bytes.accounts ?? 0)}`,
    );
  }
  if (result.files.patterns !== undefined) {
    lines.push(
      `wrote ${result.files.patterns}: ${counted(attempts, 'attempt')}, ` +
        `${size(result.bytes.patterns ?? 0)}`,
    );
  }
  const perTypology = TYPOLOGIES.map((name) => `${name} ${result.attempts[name]}`);
  lines.push(`attempts: ${perTypology.join(', ')}`);
  lines.push(`seed ${result.seed}, ${seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
