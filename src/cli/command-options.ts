/**
 * The flags of every command, in one place: each command parses its own, and an unknown flag
 * of one command that another takes is said with the command that takes it (`generate
 * --quiet` is a flag of run). Help texts stay with their commands.
 */
export const COMMAND_OPTIONS = {
  run: {
    accounts: { type: 'string' },
    patterns: { type: 'string' },
    out: { type: 'string' },
    sample: { type: 'string' },
    'chunk-size': { type: 'string' },
    workers: { type: 'string' },
    'worker-heap-mb': { type: 'string' },
    'memory-budget': { type: 'string' },
    'resume-from': { type: 'string' },
    fresh: { type: 'boolean' },
    imbalance: { type: 'string' },
    'smote-ratio': { type: 'string' },
    seed: { type: 'string' },
    split: { type: 'string' },
    'on-bad-row': { type: 'string' },
    quiet: { type: 'boolean' },
    'log-format': { type: 'string' },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  status: {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  clean: {
    outputs: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  generate: {
    rows: { type: 'string' },
    accounts: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    'accounts-out': { type: 'string' },
    'patterns-out': { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  export: {
    format: { type: 'string' },
    out: { type: 'string' },
    transactions: { type: 'string' },
    amounts: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  inspect: {
    json: { type: 'boolean' },
    top: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
} as const;

/** The commands other than `command` that take `flag` (`--quiet`: run), in the help's order. */
export function commandsTaking(flag: string, command: string): string[] {
  const name = flag.replace(/^--/, '');
  return Object.entries(COMMAND_OPTIONS)
    .filter(([other, options]) => other !== command && Object.hasOwn(options, name))
    .map(([other]) => other);
}
