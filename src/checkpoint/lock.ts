import { closeSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';

import {
  AmlprepError,
  CheckpointError,
  InputError,
  LockedError,
  type ErrorCode,
} from '../errors.js';
import { isProcessAlive } from '../process-alive.js';
import { cannotWrite, errnoName } from './folder.js';

export const LOCK_FILE = 'amlprep.lock';

/** A lock's file and what holds it, for the messages: a run's folder, an export's target. */
export interface LockKind {
  file: string;
  holder: 'run' | 'export';
}

export const RUN_LOCK: LockKind = { file: LOCK_FILE, holder: 'run' };
/**
 * One export per target folder: two processes exporting to one folder wrote the same
 * `<file>.tmp` names, removed each other's, and one could end with exit 0 and a file cut
 * short or another run's (trial R).
 */
export const EXPORT_LOCK: LockKind = { file: 'amlprep-export.lock', holder: 'export' };

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  /** Random, per lock taken: tells this process's own locks from an earlier one's. */
  token?: string;
}

/** Tokens of the locks this process holds now. */
const heldHere = new Set<string>();

export interface TakenLock {
  release: () => void;
  /** When the dead holder of a lock taken over had begun, as its lock said; else null. */
  replacedStart: string | null;
  /** A lock was there and taken over: its holder was gone, or it was torn by a kill. */
  tookOver: boolean;
}

/**
 * One run per output folder. The lock file names its holder; a holder on this host whose
 * process is gone (killed, OOM) is stale and is taken over. A holder on another host is
 * trusted, since its liveness cannot be checked from here.
 */
export function acquireLock(dir: string, kind = RUN_LOCK): TakenLock {
  const path = join(dir, kind.file);
  let replaced: string | null = null;
  let tookOver = false;
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      heldHere.add(me.token!);
      return { release: () => releaseIfOurs(path, me), replacedStart: replaced, tookOver };
    } catch (error) {
      if (errnoName(error) !== 'EEXIST') throw cannotWrite(dir, `creating ${kind.file}`, error);
    }
    refuseIfHeld(dir, kind);
    refuseForeignLock(path);
    // Stale (or unreadable, i.e. torn by a kill mid-write): take it over.
    replaced = readHolder(path)?.startedAt ?? null;
    tookOver = true;
    try {
      unlinkSync(path);
    } catch (error) {
      // ENOENT: another starter removed it first; the next attempt settles who wins. Anything
      // else (a folder made read-only since the killed run) leaves the lock where it is.
      if (errnoName(error) !== 'ENOENT') {
        throw cannotWrite(dir, `taking over the stale ${kind.file}`, error);
      }
    }
  }
  throw new LockedError(`${dir}: could not take the lock file ${kind.file}`);
}

/**
 * Throws LockedError when a live process holds the folder's lock; reads only, so `--dry-run`
 * says what the run would. A pid is all there is to go on: one reused by an unrelated
 * process after a reboot looks alive, so the message says how to free the folder by hand.
 */
export function refuseIfHeld(dir: string, kind = RUN_LOCK): void {
  const path = join(dir, kind.file);
  const holder = readHolder(path);
  if (holder === null || !isAlive(holder)) return;
  const what = kind.holder;
  if (isThisProcess(holder)) {
    throw new LockedError(
      `${dir} is in use by another ${what} of this process (started ${holder.startedAt}); ` +
        'wait for it to settle first',
    );
  }
  const program = holder.host === hostname() ? programOf(holder.pid) : null;
  if (program !== null && !/node|amlprep/i.test(program)) {
    throw new LockedError(
      `${dir} is locked by pid ${holder.pid} on ${holder.host} (started ` +
        `${holder.startedAt}), a process now named '${program}': if that is no amlprep ${what} ` +
        `(a pid reused since the lock was taken), remove ${path}; else wait for it to finish`,
    );
  }
  throw new LockedError(
    `${dir} is in use by another amlprep ${what} (pid ${holder.pid} on ${holder.host}, ` +
      `started ${holder.startedAt}); wait for it to finish or stop it first (if no ` +
      `${what === 'run' ? 'amlprep' : 'amlprep export'} runs there, remove ${path})`,
  );
}

/**
 * The program name of a pid on this host (Linux's /proc), or null where that cannot be read.
 * A live pid is all a lock can check; its program tells a reused pid apart in the message
 * (a trial found `sleep` called "another amlprep run"). The lock still holds: a program
 * that embeds amlprep can be named anything.
 */
function programOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The holder a lock file names, or null when it names none: torn by a kill mid-write, or not
 * amlprep's shape (a pid that is no positive integer, no host). Such a lock holds nothing and
 * is taken over, instead of blocking every run with "pid abc on undefined".
 */
/** How every lock amlprep writes begins (`JSON.stringify` of a Holder). */
const LOCK_START = '{"pid":';

/**
 * Refuses a file at the lock's name that no amlprep wrote, not even torn by a kill mid-write
 * (empty, or a start of LOCK_START): taking it over removed a user's file (trial HH).
 */
function refuseForeignLock(path: string): void {
  // Only a file is read (see readHolder).
  if (lstatSync(path, { throwIfNoEntry: false })?.isFile() !== true) return;
  let text: string;
  try {
    text = readFileSync(path, 'utf8').slice(0, 4096);
  } catch {
    return;
  }
  if (text.startsWith(LOCK_START) || LOCK_START.startsWith(text)) return;
  throw new CheckpointError(
    `${path} is not a lock amlprep wrote; amlprep keeps its own file there: move it away`,
  );
}

function readHolder(path: string): Holder | null {
  // Only a file is read: opening a FIFO at the name waits for a writer forever, and readers
  // look at the lock before anything else refuses one (a test hung on it).
  if (lstatSync(path, { throwIfNoEntry: false })?.isFile() !== true) return null;
  let holder: Partial<Record<keyof Holder, unknown>>;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
  } catch {
    return null;
  }
  const { pid, host, startedAt } = holder ?? {};
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string') return null;
  // A start time is only shown; one missing says so rather than "started undefined".
  const when = typeof startedAt === 'string' ? startedAt : 'at an unknown time';
  const token = typeof holder.token === 'string' ? holder.token : undefined;
  return { pid: pid as number, host, startedAt: when, ...(token === undefined ? {} : { token }) };
}

/**
 * A holder with this process's pid is alive only when this process took that lock: a
 * container restarts its job with the same pid (often 1), and a lock its killed run left
 * then named a pid that looked alive forever.
 */
function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return isThisProcess(holder);
  return isProcessAlive(holder.pid);
}

function isThisProcess(holder: Holder): boolean {
  return (
    holder.host === hostname() &&
    holder.pid === process.pid &&
    holder.token !== undefined &&
    heldHere.has(holder.token)
  );
}

function releaseIfOurs(path: string, me: Holder): void {
  heldHere.delete(me.token!);
  let holder: Holder | null;
  try {
    holder = readHolder(path);
  } catch {
    // The folder went (a file or a link in its place, trial O): its lock went with it.
    return;
  }
  if (holder?.token === me.token && holder?.pid === me.pid) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone; nothing to release.
    }
  }
}

/** The live run that holds `dir` as a reader starts, for `whileHeld`; null when none does. */
export type RunHolding = Holder | null;

/** The live run holding `dir` now, or null. */
export function runHolding(dir: string): RunHolding {
  const holder = readHolder(join(dir, LOCK_FILE));
  return holder !== null && isAlive(holder) ? holder : null;
}

/**
 * An InputError met reading a run's outputs while a run held the folder, with that said: the
 * run may be replacing them, and "the file was changed" alone read as damage (fresh-user
 * trials). The lock is looked at when the reader began (`before`, from `runHolding`) and
 * again now: a run that finished in between is gone from it. Any other error, or one with no
 * run in the folder, is returned as is.
 */
export function whileHeld(thrown: unknown, dir: string, before: RunHolding = null): unknown {
  const error = asReadError(thrown);
  if (!(error instanceof InputError)) return error;
  const running = runningThere(dir, before);
  // Said once: a reader may have named the run already (readManifest, as a run rewrites).
  if (running === null || error.message.includes(running)) return error;
  return new InputError(`${error.message} (${running})`, error, error.code as ErrorCode);
}

/**
 * A file error no layer of a reader named (a file of the run removed while it was read: a
 * trial's `clean --outputs` beside an export gave "internal error" with Node's ENOENT) as an
 * InputError naming the file; anything else as it is.
 */
function asReadError(error: unknown): unknown {
  const code = errnoName(error);
  const path = (error as { path?: unknown }).path;
  if (!(error instanceof Error) || code === null || typeof path !== 'string') return error;
  if (error instanceof AmlprepError) return error;
  const gone = code === 'ENOENT' ? ': the file is gone (removed while it was read?)' : '';
  return new InputError(`cannot read ${path} (${code})${gone}`, error);
}

/**
 * What a reader of `dir` says of the run that holds it now (`a run is writing DIR now: …`),
 * or held it as the reader began (`before`); null when neither.
 */
export function runningThere(dir: string, before: RunHolding = null): string | null {
  const now = runHolding(dir);
  const holder = now ?? before;
  if (holder === null) return null;
  const who = `pid ${holder.pid}, started ${holder.startedAt}`;
  return now !== null
    ? `a run is writing ${dir} now: ${who}; read it once that run has finished`
    : `a run was writing ${dir} as this read began: ${who}; it has finished, so read it again`;
}
