// Every failure carries a stable code; errors cross the worker boundary as plain data and are
// rebuilt on the main side with their code, message and bad-row context.
import { describe, expect, it } from 'vitest';

import {
  AbortedError,
  AmlprepError,
  BadRowError,
  CheckpointError,
  fromWireError,
  InputChangedError,
  InputError,
  LockedError,
  MissingClassError,
  OptionError,
  OutputError,
  toWireError,
  UsageError,
  WorkerError,
  type ErrorCode,
} from '../../src/errors.js';

const CASES: [string, () => AmlprepError, ErrorCode, boolean, string][] = [
  [
    'OptionError',
    () => new OptionError('options.workers bad'),
    'ERR_AMLPREP_OPTION',
    true,
    'options.workers bad',
  ],
  ['UsageError', () => new UsageError('unknown flag'), 'ERR_AMLPREP_USAGE', true, 'unknown flag'],
  ['InputError', () => new InputError('no such file'), 'ERR_AMLPREP_INPUT', true, 'no such file'],
  [
    'InputChangedError',
    () => new InputChangedError('cut short'),
    'ERR_AMLPREP_INPUT_CHANGED',
    true,
    'cut short',
  ],
  [
    'BadRowError',
    () => new BadRowError('t.csv', 7, 'bad Timestamp'),
    'ERR_AMLPREP_BAD_ROW',
    true,
    't.csv:7: bad Timestamp',
  ],
  [
    'MissingClassError',
    () => new MissingClassError('no class 1'),
    'ERR_AMLPREP_NO_CLASS',
    true,
    'no class 1',
  ],
  [
    'CheckpointError',
    () => new CheckpointError('corrupt'),
    'ERR_AMLPREP_CHECKPOINT',
    true,
    'corrupt',
  ],
  [
    'LockedError',
    () => new LockedError('held by pid 1'),
    'ERR_AMLPREP_LOCKED',
    true,
    'held by pid 1',
  ],
  ['WorkerError', () => new WorkerError('worker died'), 'ERR_AMLPREP_WORKER', false, 'worker died'],
  ['OutputError', () => new OutputError('disk full'), 'ERR_AMLPREP_OUTPUT', true, 'disk full'],
  ['AbortedError', () => new AbortedError(), 'ERR_AMLPREP_ABORTED', true, 'run aborted'],
  [
    'AmlprepError',
    () => new AmlprepError('ERR_AMLPREP_INTERNAL', 'oops'),
    'ERR_AMLPREP_INTERNAL',
    false,
    'oops',
  ],
];

/** What postMessage does to a reply: the structured clone algorithm. */
function overTheWire(error: unknown): Error {
  return fromWireError(structuredClone(toWireError(error)));
}

describe('error classes', () => {
  it.each(CASES)(
    '%s has its name, code, user-facing flag and message',
    (name, make, code, user, message) => {
      const error = make();
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(AmlprepError);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.userFacing).toBe(user);
      expect(error.message).toBe(message);
      expect(String(error)).toBe(`${name}: ${message}`);
    },
  );

  it('gives every class a distinct code', () => {
    const codes = CASES.map(([, make]) => make().code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('keeps the cause it is given', () => {
    const cause = new Error('EACCES');
    expect(new InputError('cannot open', cause).cause).toBe(cause);
    expect(new CheckpointError('cannot open', cause).cause).toBe(cause);
    expect(new WorkerError('crashed', cause).cause).toBe(cause);
    expect(new OutputError('cannot write', cause).cause).toBe(cause);
    expect('cause' in new InputError('no cause')).toBe(false);
  });

  it('exposes the file, line and reason of a bad row', () => {
    const error = new BadRowError('/data/HI-Small_Trans.csv', 12_345, 'bad Amount Paid "-1"');
    expect(error).toMatchObject({
      file: '/data/HI-Small_Trans.csv',
      line: 12_345,
      reason: 'bad Amount Paid "-1"',
      message: '/data/HI-Small_Trans.csv:12345: bad Amount Paid "-1"',
    });
  });
});

describe('wire errors', () => {
  it('rebuilds a BadRowError with its file, line and reason', () => {
    const back = overTheWire(new BadRowError('in.csv', 42, 'expected 11 fields, found 3'));
    expect(back).toBeInstanceOf(BadRowError);
    const bad = back as BadRowError;
    expect(bad.code).toBe('ERR_AMLPREP_BAD_ROW');
    expect(bad.message).toBe('in.csv:42: expected 11 fields, found 3');
    expect([bad.file, bad.line, bad.reason]).toEqual(['in.csv', 42, 'expected 11 fields, found 3']);
    expect(bad.userFacing).toBe(true);
  });

  it.each(CASES.filter(([name]) => name !== 'BadRowError'))(
    'keeps the code and message of %s',
    (_name, make, code, _user, message) => {
      const back = overTheWire(make());
      expect(back).toBeInstanceOf(AmlprepError);
      expect((back as AmlprepError).code).toBe(code);
      expect(back.message).toBe(message);
    },
  );

  it('keeps the stack of the original error', () => {
    const original = new CheckpointError('torn write');
    expect(overTheWire(original).stack).toBe(original.stack);
  });

  it('sends the context as plain data that survives structured cloning', () => {
    const wire = toWireError(new BadRowError('a.csv', 3, 'why'));
    expect(structuredClone(wire)).toEqual(wire);
    expect(wire).toMatchObject({
      code: 'ERR_AMLPREP_BAD_ROW',
      name: 'BadRowError',
      context: { file: 'a.csv', line: 3, reason: 'why' },
    });
  });

  it('maps a foreign error to an internal error with its message', () => {
    const fsError = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    expect(toWireError(fsError)).toMatchObject({ code: 'ENOENT', message: 'ENOENT: no such file' });
    const back = overTheWire(fsError) as AmlprepError;
    expect(back.code).toBe('ERR_AMLPREP_INTERNAL');
    expect(back.message).toBe('ENOENT: no such file');
  });

  it('wraps a thrown non-Error value', () => {
    const back = overTheWire('boom') as AmlprepError;
    expect(back).toBeInstanceOf(AmlprepError);
    expect(back.code).toBe('ERR_AMLPREP_INTERNAL');
    expect(back.message).toBe('boom');
  });
});

describe('errors crossing the worker boundary', () => {
  it('keep whether the user can fix them', () => {
    const sent = toWireError(new MissingClassError('no class 1 in train'));
    const back = fromWireError(structuredClone(sent)) as AmlprepError;
    expect(back.userFacing).toBe(true);
    expect(back.code).toBe('ERR_AMLPREP_NO_CLASS');
    expect(back.name).toBe('MissingClassError');
  });
});
