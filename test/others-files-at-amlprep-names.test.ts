// Trial HH (session 25): files of the user's own at names amlprep keeps its files by were
// removed or overwritten without a word: a lock file of theirs, LMDB's lock name in a new
// folder, scratch names under `clean` of a folder amlprep never wrote, an export lock.
import {
  copyFileSync,
  existsSync,
  linkSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { run, type ProgressEvent } from '../src/index.js';
import { bufferIo } from './helpers/buffer-io.js';
import { badFixture, SAMPLE, sampleRunOptions } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('others-files');
const sharedDir = useSharedTempDirs('others-files-run');
let finished: string;

beforeAll(async () => {
  finished = join(sharedDir(), 'run');
  await run(sampleRunOptions(finished, 5000));
}, 60_000);

describe("a user's file at a name amlprep keeps a file by", () => {
  it('is refused at the run lock name, and kept', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'amlprep.lock'), 'my notes');
    const io = bufferIo();

    const code = await main(['run', SAMPLE.transactions, '--out', dir], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: ${join(dir, 'amlprep.lock')} is not a lock amlprep wrote; amlprep keeps its ` +
        'own file there: move it away\n',
    );
    expect(readFileSync(join(dir, 'amlprep.lock'), 'utf8')).toBe('my notes');
  });

  it("is refused at LMDB's lock name in a folder amlprep did not write, and kept", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'checkpoints.mdb-lock'), 'mine');
    const io = bufferIo();

    const code = await main(['run', SAMPLE.transactions, '--out', dir], io);

    expect(code).toBe(2);
    expect(io.err()).toContain(`${dir}: holds checkpoints.mdb-lock that amlprep did not write`);
    expect(readFileSync(join(dir, 'checkpoints.mdb-lock'), 'utf8')).toBe('mine');
  });

  // Trial JJ (session 26): the refusal named none of the files that made it.
  it('is kept and named by clean of a folder amlprep did not write', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'edges.arrow.tmp'), 'mine');
    writeFileSync(join(dir, 'edge-features.spill'), 'mine too');
    const io = bufferIo();

    expect(await main(['clean', dir], io)).toBe(2);

    expect(io.err()).toBe(
      `amlprep: ${dir}: not an amlprep output folder (no amlprep checkpoint store, no ` +
        'manifest.json written by amlprep); it holds edges.arrow.tmp, edge-features.spill, ' +
        "amlprep's names; nothing removed\n",
    );
    expect(readdirSync(dir).sort()).toEqual(['edge-features.spill', 'edges.arrow.tmp']);
  });

  it("is refused at the export lock's name, keeping other formats' .tmp files", async () => {
    const target = tempDir();
    writeFileSync(join(target, 'amlprep-export.lock'), 'my lock notes');
    writeFileSync(join(target, 'nodes.csv.tmp'), 'draft');
    const io = bufferIo();

    expect(await main(['export', finished, '--format', 'npy', '--out', target], io)).toBe(2);

    expect(io.err()).toContain('amlprep-export.lock is not a lock amlprep wrote');
    expect(readdirSync(target).sort()).toEqual(['amlprep-export.lock', 'nodes.csv.tmp']);
  });

  it("refuses an export into a name the run keeps a file by in the run's folder", async () => {
    const io = bufferIo();
    const target = join(finished, 'manifest.json.tmp');

    expect(await main(['export', finished, '--format', 'csv', '--out', target], io)).toBe(2);

    expect(io.err()).toBe(
      `amlprep: ${target} is a name the run keeps a file by in ${finished}; export to another ` +
        'folder\n',
    );
    expect(readdirSync(finished)).not.toContain('manifest.json.tmp');
  });
});

// Trial II (session 25): a hard link is another name of the file, which realpath does not
// show: the run removed it as scratch and then said the input had changed.
describe('an input hard-linked at a scratch name of the output folder', () => {
  it('is refused, and both names kept', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    await run(sampleRunOptions(out, 5000));
    const patterns = join(dir, 'patterns.txt');
    copyFileSync(SAMPLE.patterns, patterns);
    linkSync(patterns, join(out, 'edges.arrow.tmp'));
    const io = bufferIo();

    const argv = ['run', SAMPLE.transactions, '--patterns', patterns, '--out', out];
    expect(await main([...argv, '--fresh'], io)).toBe(2);

    expect(io.err()).toBe(
      `amlprep: the patterns file ${patterns} is a file the run writes in ${out}; copy it ` +
        'elsewhere or choose another output folder\n',
    );
    expect(existsSync(join(out, 'edges.arrow.tmp'))).toBe(true);
    expect(readFileSync(patterns).equals(readFileSync(SAMPLE.patterns))).toBe(true);
  }, 60_000);
});

describe('an accounts file that names none of the accounts of the transactions', () => {
  it('is warned of, as likely the wrong file', async () => {
    const events: ProgressEvent[] = [];
    const transactions = badFixture('base.csv');

    await run({
      transactions,
      accounts: SAMPLE.accounts,
      out: tempDir(),
      onProgress: (e) => events.push(e),
    });

    const warnings = events.flatMap((e) => (e.kind === 'warning' ? [e.message] : []));
    expect(warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^none of the 239 rows of ${SAMPLE.accounts} names one of the \\d+ accounts of ` +
            `${transactions}: is it the accounts file of these transactions\\?`,
        ),
      ),
    );
  }, 60_000);
});

describe('a rerun with other options that leaves no rejects', () => {
  it('says it removed the rejects list, as a rerun loaded whole does', async () => {
    const out = tempDir();
    const base = { transactions: badFixture('base.csv'), out, chunkSize: 5000 };
    await run(base);
    writeFileSync(join(out, 'rejected_rows.csv'), 'my,own\n1,2\n');
    const events: ProgressEvent[] = [];

    await run({ ...base, seed: 8, onProgress: (e) => events.push(e) });

    expect(events).toContainEqual({
      kind: 'note',
      step: 'data_loaded',
      message: 'rejected_rows.csv removed: the run it would describe rejected no rows',
    });
  }, 60_000);
});

describe('a mistyped value', () => {
  it.each([
    [['run', SAMPLE.transactions, '--imbalance', 'smoet'], '"smoet" (did you mean smote?)'],
    [['export', 'x', '--format', 'CSV'], '"CSV" (did you mean csv?)'],
    [['--versoin'], "'--versoin' (did you mean --version?)"],
  ])('is said with the one likely meant: %j', async (argv, said) => {
    const io = bufferIo();

    expect(await main(argv, io)).toBe(2);

    expect(io.err()).toContain(said);
  });
});
