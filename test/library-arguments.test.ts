// Second fresh-user trial (session 16): the library functions beside run() and generate()
// threw Node's TypeErrors for arguments of the wrong type, ignored misspelt options, and
// exportRun with an empty `out` wrote into the current folder. Every such call is an
// OptionError naming the argument, before anything is read or written.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  clean,
  exportRun,
  generate,
  InputError,
  inspectRun,
  OptionError,
  readManifest,
  readOutputs,
  run,
  status,
} from '../src/index.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('library-arguments');

type Call = (dir: string) => unknown;

/** What `call` throws or rejects with; null when it succeeds. */
async function failureOf(call: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(call)
    .then(
      () => null,
      (e: unknown) => e,
    );
}

async function optionError(call: () => unknown): Promise<string> {
  const error = await failureOf(call);
  expect(error).toBeInstanceOf(OptionError);
  return (error as OptionError).message;
}

describe('library arguments of the wrong kind', () => {
  it.each<[string, Call, RegExp]>([
    ['status(5)', () => status(5 as never), /^dir must be a non-empty path string, got 5$/],
    ['clean(null)', () => clean(null as never), /^dir must be a non-empty path string/],
    ['readOutputs(42)', () => readOutputs(42 as never), /^dir must be a non-empty path/],
    ['inspectRun()', () => inspectRun(undefined as never), /^dir must be a non-empty path/],
    ['exportRun("")', () => exportRun('', 'csv'), /^dir must be a non-empty path string, got ""/],
  ])('%s names the folder argument', async (_call, call, message) => {
    expect(await optionError(() => call(''))).toMatch(message);
  });

  it.each<[string, Call, string]>([
    [
      'readOutputs []',
      (d) => readOutputs(d, [] as never),
      'options must be an object, got an array ([])',
    ],
    [
      'inspectRun []',
      (d) => inspectRun(d, [] as never),
      'options must be an object, got an array ([])',
    ],
    ['clean []', (d) => clean(d, [] as never), 'options must be an object, got an array ([])'],
    // Trial C (session 17): an array was refused only as lacking `transactions`.
    ['run([])', () => run([] as never), 'options must be an object, got an array ([])'],
    ['generate([])', () => generate([] as never), 'options must be an object, got an array ([])'],
    ['run(7)', () => run(7 as never), 'options must be an object, got 7'],
    // Library trial (session 17): status took any second argument without a word.
    ['status "x"', (d) => status(d, 'x' as never), 'options must be an object, got "x"'],
    ['status json', (d) => status(d, { json: true } as never), 'unknown option json'],
    // Trial DD (session 24): readManifest ignored what it was given beside the folder.
    ['readManifest 5', (d) => readManifest(d, 5 as never), 'options must be an object, got 5'],
    [
      'readManifest verify',
      (d) => readManifest(d, { verify: true } as never),
      'unknown option verify',
    ],
    [
      'exportRun []',
      (d) => exportRun(d, 'csv', undefined, [] as never),
      'options must be an object, got an array ([])',
    ],
    // Trial W (session 22): a Map was refused only as lacking `transactions`.
    [
      'run(Map)',
      () => run(new Map([['transactions', 'x.csv']]) as never),
      'options must be a plain object of option names, got a Map',
    ],
    // Trial W: an option whose getter throws gave the caller's own error, not an OptionError.
    [
      'run with a getter that throws',
      (d) =>
        run(
          Object.defineProperty({ transactions: 'x.csv', out: d }, 'workers', {
            enumerable: true,
            get() {
              throw new Error('getter boom');
            },
          }) as never,
        ),
      'options.workers cannot be read: getter boom',
    ],
    [
      'generate with a Proxy that throws',
      () =>
        generate(
          new Proxy(
            {},
            {
              ownKeys() {
                throw new Error('proxy boom');
              },
            },
          ) as never,
        ),
      'options cannot be read: proxy boom',
    ],
    // Trial Y (session 22): errors that still escaped as the caller's own.
    [
      'run with a getter whose error has a throwing message',
      (d) =>
        run(
          Object.defineProperty({ transactions: 'x.csv', out: d }, 'seed', {
            enumerable: true,
            get() {
              const error = new Error('x');
              Object.defineProperty(error, 'message', {
                get() {
                  throw new Error('getter boom');
                },
              });
              throw error;
            },
          }) as never,
        ),
      'options.seed cannot be read: an error whose message cannot be read',
    ],
    [
      'run with a Proxy whose getPrototypeOf throws',
      (d) =>
        run(
          new Proxy(
            { transactions: 'x.csv', out: d },
            {
              getPrototypeOf() {
                throw new Error('proto boom');
              },
            },
          ) as never,
        ),
      'options cannot be read: proto boom',
    ],
    [
      'run with a revoked Proxy',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return run(proxy as never);
      },
      "options cannot be read: Cannot perform 'IsArray' on a proxy that has been revoked",
    ],
    [
      'status with a revoked Proxy as its folder',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return status(proxy as never);
      },
      'dir must be a non-empty path string, got a value that cannot be read',
    ],
    [
      'run with a split whose item getter throws',
      (d) =>
        run({
          transactions: 'x.csv',
          out: d,
          split: new Proxy([0.6, 0.2, 0.2], {
            get(target, key) {
              if (key === '1') throw new Error('item boom');
              return Reflect.get(target, key) as unknown;
            },
          }) as never,
        }),
      'options.split cannot be read: item boom',
    ],
    [
      'run with a Map as split',
      (d) => run({ transactions: 'x.csv', out: d, split: new Map() as never }),
      'options.split must be three positive decimal shares summing to 1 (e.g. 0.6,0.2,0.2), ' +
        'got a Map',
    ],
    // A share read from a file beside two typed ones was accepted.
    [
      'run with a split of numbers and texts',
      (d) => run({ transactions: 'x.csv', out: d, split: [0.6, '0.2', 0.2] as never }),
      'options.split mixes numbers and texts, got an array ([0.6,"0.2",0.2]): give three ' +
        "numbers ([0.6, 0.2, 0.2]) or three decimal texts (['0.6', '0.2', '0.2'])",
    ],
    // Session 25's note: run({ force: true }) got no hint; the command line says --fresh.
    [
      'run force',
      (d) => run({ transactions: 'x.csv', out: d, force: true } as never),
      'unknown option force (did you mean fresh?)',
    ],
    [
      'readOutputs verfy',
      (d) => readOutputs(d, { verfy: true } as never),
      'unknown option verfy (did you mean verify?)',
    ],
    // Trial N (session 20): a three-letter key got no suggestion, a longer one did.
    [
      'inspectRun tpo',
      (d) => inspectRun(d, { tpo: 1 } as never),
      'unknown option tpo (did you mean top?)',
    ],
    [
      'clean output',
      (d) => clean(d, { output: true } as never),
      'unknown option output (did you mean outputs?)',
    ],
    [
      'exportRun amount',
      (d) => exportRun(d, 'multignn', undefined, { amount: 'derived' } as never),
      'unknown option amount (did you mean amounts?)',
    ],
    [
      'readOutputs verify "yes"',
      (d) => readOutputs(d, { verify: 'yes' } as never),
      'options.verify must be true or false, got "yes"',
    ],
    [
      'clean outputs "yes"',
      (d) => clean(d, { outputs: 'yes' } as never),
      'options.outputs must be true or false, got "yes"',
    ],
    [
      'inspectRun top "3"',
      (d) => inspectRun(d, { top: '3' } as never),
      'options.top must be an integer of at least 0, got "3"',
    ],
    [
      'exportRun transactions 3',
      (d) => exportRun(d, 'multignn', undefined, { transactions: 3 } as never),
      'options.transactions must be a non-empty path string, got 3',
    ],
    [
      'exportRun npy with amounts',
      (d) => exportRun(d, 'npy', undefined, { amounts: 'derived' }),
      'options.amounts applies to the multignn format only, not npy',
    ],
    [
      'exportRun out 5',
      (d) => exportRun(d, 'csv', 5 as never),
      'out must be a non-empty path string, got 5',
    ],
  ])('%s is refused with a message naming it', async (_what, call, message) => {
    const dir = tempDir();

    expect(await optionError(() => call(dir))).toBe(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  // Fourth fresh-user trial (session 16): run() takes null for an option not given, the
  // others refused it.
  it.each<[string, Call]>([
    ['readOutputs(dir, null)', (d) => readOutputs(d, null as never)],
    ['readOutputs verify null', (d) => readOutputs(d, { verify: null } as never)],
    ['inspectRun top null', (d) => inspectRun(d, { top: null } as never)],
    ['clean outputs null', (d) => clean(d, { outputs: null } as never)],
    ['status(dir, null)', (d) => status(d, null as never)],
    ['exportRun out null', (d) => exportRun(d, 'multignn', null as never, { amounts: 'derived' })],
    [
      'exportRun transactions null',
      (d) => exportRun(d, 'npy', undefined, { transactions: null } as never),
    ],
  ])('takes null as not given: %s', async (_what, call) => {
    const dir = tempDir();

    const error = await failureOf(() => call(dir));

    // Past the argument checks: the empty folder holds no run (clean has nothing to do).
    expect(error === null || !(error instanceof OptionError), String(error)).toBe(true);
  });

  it('refuses an empty out for exportRun instead of writing into the current folder', async () => {
    const dir = tempDir();
    const before = readdirSync('.');

    expect(await optionError(() => exportRun(dir, 'csv', ''))).toBe(
      'out must be a non-empty path string, got ""',
    );
    expect(readdirSync('.')).toEqual(before);
  });
});

// status and clean of a missing folder threw a CheckpointError (ERR_AMLPREP_CHECKPOINT), as if
// a store were damaged; every other command says a missing path with an InputError.
describe('a folder that does not exist', () => {
  it.each<[string, Call]>([
    ['status', (d) => status(d)],
    ['clean', (d) => clean(d)],
    ['clean with outputs', (d) => clean(d, { outputs: true })],
  ])('is an InputError saying so to %s', async (_what, call) => {
    const missing = join(tempDir(), 'no-such-dir');

    const error = await failureOf(() => call(missing));

    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code: 'ERR_AMLPREP_INPUT',
      message: `${missing}: no such folder`,
    });
  });
});

// A file given for the folder is a wrong path too, as inspect and export say of one.
describe('a file given as the folder', () => {
  it.each<[string, Call, string]>([
    ['status', (f) => status(f), 'status reads an output folder'],
    ['clean', (f) => clean(f), 'clean takes an output folder'],
  ])('is an InputError to %s', async (_what, call, why) => {
    const file = join(tempDir(), 'data.csv');
    writeFileSync(file, 'x\n');

    const error = await failureOf(() => call(file));

    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${file}: not a folder (${why})`);
  });
});
