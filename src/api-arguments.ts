import { deniedAccess, deniedMessage, folderKind } from './access.js';
import { requireBase } from './current-folder.js';
import { InputError, OptionError } from './errors.js';

/**
 * Checks of the library functions' arguments, so a wrong type is an OptionError naming the
 * argument before any work, not a TypeError from deep inside (or a silently ignored key).
 */

/** A folder or file path argument: a non-empty string. */
export function pathArgument(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new OptionError(`${name} must be a non-empty path string, got ${shown(value)}`);
  }
  requireBase(value);
  return value;
}

/**
 * The output folder a reader (`what`: inspect, export, readOutputs) is given: a path that is
 * a file is said to be one (a trial's `inspect data.csv` was an "internal error" with Node's
 * ENOTDIR from the lock's path inside it). A missing folder is the reader's to report.
 */
export function runFolderArgument(value: unknown, what: string): string {
  const dir = pathArgument(value, 'dir');
  if (folderKind(dir) === 'other')
    throw new InputError(`${dir}: not a folder (${what} reads an output folder)`);
  const denied = deniedAccess(dir, { folder: true });
  if (denied !== null) throw new InputError(deniedMessage('read', dir, denied));
  return dir;
}

/**
 * An options argument: undefined or null (no options, as `run()` takes null for an option not
 * given) or an object whose keys are all `known`. A misspelt key (`verfy`) would otherwise be
 * ignored and the default used without a word.
 */
export function optionsArgument<T extends object>(
  value: T | undefined | null,
  known: Record<keyof T, true>,
): T {
  if (value === undefined || value === null) return {} as T;
  return optionsObject(value, Object.keys(known));
}

/**
 * A plain copy of an options object whose keys are all `known`, each value read once: an
 * option given as a getter, or a Proxy, that throws is an OptionError naming it, not the
 * caller's own error from deep inside (trial W), and one that changes between reads is read
 * once. A Map or Set holds no options as keys, and is said to be what it is.
 */
export function optionsObject<T extends object>(value: T, known: readonly string[]): T {
  // A revoked Proxy throws even when asked whether it is an array (trial Y).
  const kind = readOption(() => kindOf(value), 'options');
  if (kind !== null) throw new OptionError(`options must be ${kind}`);
  const keys = readOption(() => Object.keys(value), 'options');
  rejectUnknownKeys(keys, known);
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    // A list (split) is copied too, so that its items are read here, once.
    const read = () => {
      const item: unknown = (value as Record<string, unknown>)[key];
      return Array.isArray(item) ? Array.from(item as unknown[]) : item;
    };
    copy[key] = readOption(read, `options.${key}`);
  }
  return copy as T;
}

/** What is wrong with `value` as an options object, or null when it is one. */
function kindOf(value: unknown): string | null {
  // An array is an object too, and was refused only as lacking `transactions` (a trial's).
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `an object, got ${shown(value)}`;
  }
  if (value instanceof Map) return 'a plain object of option names, got a Map';
  if (value instanceof Set) return 'a plain object of option names, got a Set';
  return null;
}

function readOption<V>(read: () => V, name: string): V {
  try {
    return read();
  } catch (error) {
    throw new OptionError(`${name} cannot be read: ${errorText(error)}`);
  }
}

/**
 * What an error thrown by the caller's own code says, without trusting it: its `message` may
 * itself be a getter that throws (trial Y).
 */
export function errorText(error: unknown): string {
  try {
    const message = (error as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : String(error);
  } catch {
    return 'an error whose message cannot be read';
  }
}

/**
 * Option keys meant as another name, by the call that takes it: `generate --force` is
 * `generate({ overwrite })`, and a run starts over with `fresh`, where many tools say force.
 */
const OTHER_NAMES: Readonly<Record<string, readonly string[]>> = {
  force: ['overwrite', 'fresh'],
};

function rejectUnknownKeys(keys: readonly string[], known: readonly string[]): void {
  for (const key of keys) {
    if (known.includes(key)) continue;
    const others = Object.hasOwn(OTHER_NAMES, key) ? OTHER_NAMES[key]! : [];
    const near = nearestName(key, known) ?? others.find((other) => known.includes(other));
    throw new OptionError(
      `unknown option ${key}` + (near === undefined ? '' : ` (did you mean ${near}?)`),
    );
  }
}

/**
 * The known name an unknown `key` was likely meant as: the same but for case, or a slip or
 * two away (one for names of up to three letters); undefined when none is that near.
 */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return (
    known.find((k) => k.toLowerCase() === lower) ??
    known.find((k) => slips(lower, k.toLowerCase()) <= (key.length > 3 ? 2 : 1)) ??
    onlyExtension(lower, known)
  );
}

/**
 * The one known name that `key` begins or ends before (`--accounts-out` for `--accounts`,
 * trial GG), when exactly one does; short keys match too many names to say.
 */
function onlyExtension(key: string, known: readonly string[]): string | undefined {
  if (key.replace(/^-+/, '').length < 4) return undefined;
  const near = known.filter((k) => {
    const name = k.toLowerCase();
    return name.startsWith(key) || key.startsWith(name);
  });
  return near.length === 1 ? near[0] : undefined;
}

/** Edits between `a` and `b`: letters added, dropped or changed, and neighbours swapped. */
function slips(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** An optional boolean option; null is not given. */
export function booleanOption(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    throw new OptionError(`options.${name} must be true or false, got ${shown(value)}`);
  }
  return value;
}

/** A value as a message shows it: strings quoted, so `'1000'` and `1000` differ. */
export function shown(value: unknown): string {
  try {
    return show(value);
  } catch {
    // A revoked Proxy throws when asked anything (trial Y).
    return 'a value that cannot be read';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array${asJson(value)}`;
  // JSON shows a Map or Set as {} (trial Y: `split: new Map(…)`, "got an object ({})").
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  // String() of a plain object says `[object Object]` (a fresh-user trial).
  if (typeof value === 'object' && value !== null) return `an object${asJson(value)}`;
  return String(value);
}

/** ` (<JSON>)`, cut at 80 characters; nothing for a value JSON cannot show (a cycle). */
/** Marks a non-finite number inside the JSON text until it is written out bare. */
const NON_FINITE = '@amlprep-non-finite:';

function asJson(value: object): string {
  let text: string | undefined;
  try {
    // NaN and the infinities as themselves: JSON writes them as null (a trial's split of
    // [NaN, 0.5, 0.5] was shown as [null,0.5,0.5]).
    text = JSON.stringify(value, (_, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? `${NON_FINITE}${v}` : v,
    )?.replace(new RegExp(`"${NON_FINITE}(NaN|-?Infinity)"`, 'g'), '$1');
  } catch {
    return '';
  }
  if (text === undefined) return '';
  return ` (${text.length > 80 ? `${text.slice(0, 80)}…` : text})`;
}
