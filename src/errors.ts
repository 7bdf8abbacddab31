/**
 * Every failure amlprep reports carries a stable `code`, so batch jobs and tests can branch on
 * it without parsing messages. Data errors (bad rows, bad options) exit 2 from the CLI; anything
 * else is an internal fault and exits 1.
 */
export type ErrorCode =
  | 'ERR_AMLPREP_OPTION'
  | 'ERR_AMLPREP_USAGE'
  | 'ERR_AMLPREP_INPUT'
  | 'ERR_AMLPREP_INPUT_CHANGED'
  | 'ERR_AMLPREP_BAD_ROW'
  | 'ERR_AMLPREP_NO_CLASS'
  | 'ERR_AMLPREP_CHECKPOINT'
  | 'ERR_AMLPREP_LOCKED'
  | 'ERR_AMLPREP_WORKER'
  | 'ERR_AMLPREP_OUTPUT'
  | 'ERR_AMLPREP_ABORTED'
  | 'ERR_AMLPREP_INTERNAL';

export class AmlprepError extends Error {
  readonly code: ErrorCode;
  /** True when the user can fix it by changing input or options (CLI exit code 2). */
  readonly userFacing: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; user?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.userFacing = options?.user ?? false;
  }
}

/** An option or argument outside what is allowed; the message names the option. */
export class OptionError extends AmlprepError {
  constructor(message: string) {
    super('ERR_AMLPREP_OPTION', message, { user: true });
  }
}

/** A command line that cannot be understood. */
export class UsageError extends AmlprepError {
  constructor(message: string) {
    super('ERR_AMLPREP_USAGE', message, { user: true });
  }
}

/** An input file that cannot be used at all (missing, wrong header, unreadable). */
export class InputError extends AmlprepError {
  constructor(message: string, cause?: unknown, code: ErrorCode = 'ERR_AMLPREP_INPUT') {
    super(code, message, { user: true, cause });
  }
}

/**
 * An input that is no longer the file the run fingerprinted at its start (cut short, written
 * to, or replaced while the run read it). An InputError, with its own code: what the run
 * recorded from that input since it started is dropped.
 */
export class InputChangedError extends InputError {
  constructor(message: string) {
    super(message, undefined, 'ERR_AMLPREP_INPUT_CHANGED');
  }
}

/** One malformed record; the message reads `file:line: reason`. */
export class BadRowError extends AmlprepError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super('ERR_AMLPREP_BAD_ROW', `${file}:${line}: ${reason}`, { user: true });
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/** The training split lacks a class, so class weights cannot be formed. */
export class MissingClassError extends AmlprepError {
  constructor(message: string) {
    super('ERR_AMLPREP_NO_CLASS', message, { user: true });
  }
}

/** The checkpoint store cannot be opened or used. */
export class CheckpointError extends AmlprepError {
  constructor(message: string, cause?: unknown) {
    super('ERR_AMLPREP_CHECKPOINT', message, { user: true, cause });
  }
}

/** Another run holds the output folder. */
export class LockedError extends AmlprepError {
  constructor(message: string) {
    super('ERR_AMLPREP_LOCKED', message, { user: true });
  }
}

/** A worker thread failed on a chunk. */
export class WorkerError extends AmlprepError {
  constructor(message: string, cause?: unknown) {
    super('ERR_AMLPREP_WORKER', message, { cause });
  }
}

/** An output file could not be written (disk full, permissions). */
export class OutputError extends AmlprepError {
  constructor(message: string, cause?: unknown) {
    super('ERR_AMLPREP_OUTPUT', message, { user: true, cause });
  }
}

/** The run was stopped by an AbortSignal or a signal. */
/** The message of the AbortError that `abort()` without a reason gives, as this Node says it. */
const DEFAULT_ABORT_MESSAGE = ((): string => {
  const controller = new AbortController();
  controller.abort();
  return (controller.signal.reason as Error).message;
})();

export class AbortedError extends AmlprepError {
  constructor(message = 'run aborted', cause?: unknown) {
    super('ERR_AMLPREP_ABORTED', message, { user: true, cause });
  }

  /**
   * The stop `signal` asked for, saying the caller's reason: `controller.abort(reason)` with a
   * message of its own gives `run aborted: <reason>` (the reason is also the `cause`).
   */
  /** The error for an aborted `signal`; `what` names the call it stopped. */
  static of(signal: AbortSignal | null | undefined, what = 'run'): AbortedError {
    const reason: unknown = signal?.reason;
    // The default reason (an AbortError saying "This operation was aborted") says nothing;
    // any other with a message says it: an AbortError of its own, a plain object (trials).
    const message = messageOf(reason);
    const said =
      typeof reason === 'string'
        ? reason
        : typeof message === 'string' && message !== DEFAULT_ABORT_MESSAGE
          ? message
          : '';
    return new AbortedError(said === '' ? `${what} aborted` : `${what} aborted: ${said}`, reason);
  }
}

/**
 * A reason's `message`, or undefined when reading it throws: a getter or a Proxy that throws
 * made the caller's own error reach them in place of `run aborted` (trial W).
 */
function messageOf(reason: unknown): unknown {
  try {
    return (reason as { message?: unknown } | null | undefined)?.message;
  } catch {
    return undefined;
  }
}

/** Errors cross the worker boundary as plain data; see `toWireError` / `fromWireError`. */
export interface WireError {
  code: string;
  name: string;
  message: string;
  stack?: string;
  /** Whether the user can fix it (exit code 2), kept across the thread boundary. */
  userFacing?: boolean;
  context?: Record<string, string | number>;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof BadRowError) {
    return {
      code: error.code,
      name: error.name,
      message: error.message,
      stack: error.stack,
      context: { file: error.file, line: error.line, reason: error.reason },
    };
  }
  if (error instanceof AmlprepError) {
    return {
      code: error.code,
      name: error.name,
      message: error.message,
      stack: error.stack,
      userFacing: error.userFacing,
    };
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  const code = (plain as { code?: unknown }).code;
  return {
    code: typeof code === 'string' ? code : 'ERR_AMLPREP_INTERNAL',
    name: plain.name,
    message: plain.message,
    stack: plain.stack,
  };
}

export function fromWireError(wire: WireError): Error {
  const ctx = wire.context;
  if (wire.code === 'ERR_AMLPREP_BAD_ROW' && ctx !== undefined) {
    return new BadRowError(String(ctx.file), Number(ctx.line), String(ctx.reason));
  }
  const Class = isErrorCode(wire.code) ? CLASS_OF_CODE[wire.code] : undefined;
  const rebuilt =
    Class !== undefined
      ? new Class(wire.message)
      : new AmlprepError(
          isErrorCode(wire.code) ? wire.code : 'ERR_AMLPREP_INTERNAL',
          wire.message,
          { user: wire.userFacing === true },
        );
  rebuilt.name = wire.name;
  if (wire.stack !== undefined) rebuilt.stack = wire.stack;
  return rebuilt;
}

function isErrorCode(code: string): code is ErrorCode {
  return code.startsWith('ERR_AMLPREP_');
}

/**
 * The classes a worker can throw whose constructor takes the message alone, so they come back
 * as themselves and `instanceof` works on the coordinator (an aborted output write must still
 * be an AbortedError to exit 130).
 */
const CLASS_OF_CODE: Partial<Record<ErrorCode, new (message: string) => AmlprepError>> = {
  ERR_AMLPREP_OPTION: OptionError,
  ERR_AMLPREP_USAGE: UsageError,
  ERR_AMLPREP_INPUT: InputError,
  ERR_AMLPREP_INPUT_CHANGED: InputChangedError,
  ERR_AMLPREP_NO_CLASS: MissingClassError,
  ERR_AMLPREP_CHECKPOINT: CheckpointError,
  ERR_AMLPREP_LOCKED: LockedError,
  ERR_AMLPREP_WORKER: WorkerError,
  ERR_AMLPREP_OUTPUT: OutputError,
  ERR_AMLPREP_ABORTED: AbortedError,
};
