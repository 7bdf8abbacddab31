// Fresh-user report (session 9): `run --out userdir` replaced a userdir/edges.arrow that
// amlprep had not written, while `clean --outputs` refused such a folder.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { open, type RootDatabase } from 'lmdb';
import { describe, expect, it } from 'vitest';

import { CheckpointStore } from '../src/checkpoint/store.js';
import { main } from '../src/cli/main.js';
import { AbortedError, clean, run } from '../src/index.js';
import { bufferIo } from './helpers/buffer-io.js';
import { badFixture, SAMPLE, sampleRunArgs, sampleRunOptions } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('foreign-outputs');

describe('a run into a folder holding files under the output names', () => {
  it.each([[[] as string[]], [['--dry-run']]])(
    'refuses when amlprep did not write them, changing nothing %j',
    async (extra) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'edges.arrow'), 'my precious');
      writeFileSync(join(dir, 'manifest.json'), '{"mine": true}');
      const io = bufferIo();

      const code = await main([...sampleRunArgs(dir, 5000), ...extra], io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        `amlprep: ${dir}: holds edges.arrow, manifest.json that amlprep did not write (no ` +
          'amlprep checkpoint store, no manifest.json written by amlprep); choose another output ' +
          'folder or move them away\n',
      );
      expect(readFileSync(join(dir, 'edges.arrow'), 'utf8')).toBe('my precious');
    },
  );

  // Fresh-user trial (session 15): any JSON with an "amlprep" key made the folder amlprep's.
  it('takes a manifest.json for amlprep’s only in the shape amlprep writes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'nodes.arrow'), 'my precious');
    writeFileSync(join(dir, 'manifest.json'), '{"amlprep": 1}');
    const [runIo, cleanIo] = [bufferIo(), bufferIo()];

    expect(await main(sampleRunArgs(dir, 5000), runIo)).toBe(2);
    expect(await main(['clean', dir, '--outputs'], cleanIo)).toBe(2);

    expect(runIo.err()).toContain('that amlprep did not write');
    expect(cleanIo.err()).toContain('not an amlprep output folder');
    expect(readFileSync(join(dir, 'nodes.arrow'), 'utf8')).toBe('my precious');
  });

  // Second fresh-user trial (session 16): rejected_rows.csv was not among the names checked.
  // A user's file under that name was deleted by a clean run and replaced by a skipping one.
  it.each([[[] as string[]], [['--on-bad-row', 'skip']]])(
    'refuses a rejected_rows.csv amlprep did not write, changing nothing %j',
    async (extra) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'rejected_rows.csv'), 'my notes');
      const io = bufferIo();

      const code = await main(['run', badFixture('many-bad.csv'), '--out', dir, ...extra], io);

      expect(code).toBe(2);
      expect(io.err()).toContain('holds rejected_rows.csv that amlprep did not write');
      expect(readdirSync(dir)).toEqual(['rejected_rows.csv']);
      expect(readFileSync(join(dir, 'rejected_rows.csv'), 'utf8')).toBe('my notes');
    },
  );

  it('replaces a link at rejected_rows.csv in its folder, never writing through it', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const bad = badFixture('many-bad.csv');
    expect(await main(['run', bad, '--out', out, '--on-bad-row', 'skip'], bufferIo())).toBe(0);
    const list = readFileSync(join(out, 'rejected_rows.csv'), 'utf8');
    writeFileSync(join(dir, 'important.csv'), 'outside the output folder');
    rmSync(join(out, 'rejected_rows.csv'));
    symlinkSync('../important.csv', join(out, 'rejected_rows.csv'));

    const io = bufferIo();
    expect(await main(['run', bad, '--out', out, '--on-bad-row', 'skip'], io), io.err()).toBe(0);

    expect(readFileSync(join(dir, 'important.csv'), 'utf8')).toBe('outside the output folder');
    expect(lstatSync(join(out, 'rejected_rows.csv')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'rejected_rows.csv'), 'utf8')).toBe(list);
  });

  // Third fresh-user trial (session 16): a run loaded whole from its checkpoints kept a link
  // or file put at rejected_rows.csv, though the run had no rejects.
  it('removes a link at rejected_rows.csv of a run without rejects, not its target', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const clean = badFixture('base.csv');
    expect(await main(['run', clean, '--out', out], bufferIo())).toBe(0);
    writeFileSync(join(dir, 'important.csv'), 'outside the output folder');
    symlinkSync('../important.csv', join(out, 'rejected_rows.csv'));
    const io = bufferIo();

    expect(await main(['run', clean, '--out', out], io), io.err()).toBe(0);

    expect(io.err()).toContain(
      'note: rejected_rows.csv removed: the run it would describe rejected no rows',
    );
    expect(existsSync(join(out, 'rejected_rows.csv'))).toBe(false);
    expect(lstatSync(join(out, 'rejected_rows.csv'), { throwIfNoEntry: false })).toBeUndefined();
    expect(readFileSync(join(dir, 'important.csv'), 'utf8')).toBe('outside the output folder');
  });

  // Fourth fresh-user trial (session 16): a link at manifest.json to a copy with the same
  // bytes was kept by a run that loaded everything from its checkpoints.
  it('replaces a link at an output name even when it names the same bytes', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const clean = badFixture('base.csv');
    expect(await main(['run', clean, '--out', out], bufferIo())).toBe(0);
    const manifest = readFileSync(join(out, 'manifest.json'));
    copyFileSync(join(out, 'manifest.json'), join(dir, 'copy.json'));
    rmSync(join(out, 'manifest.json'));
    symlinkSync('../copy.json', join(out, 'manifest.json'));
    const io = bufferIo();

    expect(await main(['run', clean, '--out', out], io), io.err()).toBe(0);

    expect(io.err()).toContain('rewriting all outputs: manifest.json is a symbolic link');
    expect(lstatSync(join(out, 'manifest.json')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'copy.json')).equals(manifest)).toBe(true);
  });

  it('refuses an input file that is one of the files it writes in the output folder', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(await main(['run', badFixture('base.csv'), '--out', out], bufferIo())).toBe(0);
    // A transactions file saved under that name in amlprep's own folder.
    const input = join(out, 'rejected_rows.csv');
    copyFileSync(badFixture('many-bad.csv'), input);
    const before = readFileSync(input, 'utf8');
    const io = bufferIo();

    const code = await main(['run', input, '--out', out, '--on-bad-row', 'skip'], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: the transactions file ${input} is a file the run writes in ${out}; copy it ` +
        'elsewhere or choose another output folder\n',
    );
    expect(readFileSync(input, 'utf8')).toBe(before);
  });

  // Trial GG (session 25): an input at a scratch or lock name of the output folder was
  // removed (or overwritten by the lock) without a word.
  it.each(['edges.arrow.tmp', 'edge-features.spill', 'amlprep.lock', 'checkpoints.mdb-lock'])(
    'refuses an input file at its folder name %s, keeping it',
    async (name) => {
      const out = join(tempDir(), 'out');
      await run(sampleRunOptions(out, 5000));
      const input = join(out, name);
      copyFileSync(SAMPLE.accounts, input);
      const before = readFileSync(input, 'utf8');
      const io = bufferIo();

      const code = await main(['run', SAMPLE.transactions, '--accounts', input, '--out', out], io);

      expect(code).toBe(2);
      expect(io.err()).toBe(
        `amlprep: the accounts file ${input} is a file the run writes in ${out}; copy it ` +
          'elsewhere or choose another output folder\n',
      );
      expect(readFileSync(input, 'utf8')).toBe(before);
    },
  );

  it('refuses a folder under an output name before computing anything', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'edges.arrow'));
    const io = bufferIo();

    const code = await main(sampleRunArgs(dir, 5000), io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: ${dir}: edges.arrow is a folder, where the run writes a file of that name; ` +
        'choose another output folder or move it away\n',
    );
    expect(existsSync(join(dir, 'checkpoints.mdb'))).toBe(false);
  });

  it('goes on when amlprep wrote them, with its checkpoints cleaned away', async () => {
    const dir = tempDir();
    await run(sampleRunOptions(dir));
    expect(await main(['clean', dir], bufferIo())).toBe(0);

    const again = await run(sampleRunOptions(dir));

    expect(again.summary.edges).toBe(26_751);
  }, 60_000);

  // Trial C (session 17): clean left the rejects list of a run stopped before its end, and
  // every later run then refused the folder as holding a file amlprep did not write.
  it('goes on after clean when a stopped skip run had written its rejects list', async () => {
    const dir = tempDir();
    const file = join(dir, 'one-bad.csv');
    writeFileSync(file, `${readFileSync(badFixture('base.csv'), 'utf8')}garbage\n`);
    const out = join(dir, 'out');
    const controller = new AbortController();
    const options = { transactions: file, out, onBadRow: 'skip' as const };

    const stopped = await run({
      ...options,
      signal: controller.signal,
      onProgress: (e) => void (e.kind === 'step-end' && controller.abort()),
    }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(AbortedError);
    expect(existsSync(join(out, 'rejected_rows.csv'))).toBe(true);

    expect(clean(out)).toContain(join(out, 'rejected_rows.csv'));
    const again = await run(options);

    expect(again.summary.rejectedRows).toBe(1);
    expect(readFileSync(join(out, 'rejected_rows.csv'), 'utf8')).toContain('garbage');
  });
});

// Second fresh-user trial (session 9): any file named checkpoints.mdb made a folder pass
// for amlprep's, so --fresh or clean --outputs then replaced or removed someone's files, and
// status crashed on another program's LMDB file.
describe('a file merely named checkpoints.mdb', () => {
  /** An LMDB environment of another program: one key, none of amlprep's tables. */
  async function foreignLmdb(dir: string): Promise<void> {
    const env = open({ path: join(dir, 'checkpoints.mdb') });
    env.putSync('foo', 1);
    await env.close();
  }

  it.each([
    ['an empty file', (dir: string) => writeFileSync(join(dir, 'checkpoints.mdb'), '')],
    ['another program LMDB file', foreignLmdb],
  ])('does not make a folder amlprep own: %s', async (_what, make) => {
    const dir = tempDir();
    await make(dir);
    writeFileSync(join(dir, 'nodes.arrow'), 'mine');

    for (const argv of [
      sampleRunArgs(dir, 5000),
      [...sampleRunArgs(dir, 5000), '--fresh'],
      ['clean', dir, '--outputs'],
    ]) {
      const io = bufferIo();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toContain('no amlprep checkpoint store, no manifest.json written by');
    }
    expect(readFileSync(join(dir, 'nodes.arrow'), 'utf8')).toBe('mine');
  });

  it('is named for what it is by status, and refused by run without --fresh', async () => {
    const dir = tempDir();
    await foreignLmdb(dir);
    const path = join(dir, 'checkpoints.mdb');

    const status = bufferIo();
    expect(await main(['status', dir], status)).toBe(2);
    expect(status.err()).toBe(
      `amlprep: ${path} is an LMDB file without amlprep's tables, not an amlprep checkpoint ` +
        'store\n',
    );
    const runIo = bufferIo();
    expect(await main(sampleRunArgs(dir, 5000), runIo)).toBe(2);
    expect(runIo.err()).toContain(`${path} is an LMDB file without amlprep's tables`);
    expect(runIo.err()).toContain('rerun with --fresh to use it as one');

    // Nor does clean remove it (the third fresh-user trial's `clean` did).
    const cleanIo = bufferIo();
    expect(await main(['clean', dir], cleanIo)).toBe(2);
    expect(cleanIo.err()).toContain('not an amlprep checkpoint store; nothing removed');
    const env = open({ path, readOnly: true });
    expect(env.get('foo')).toBe(1);
    await env.close();
  });

  // Kill matrix (session 13): a SIGKILL after LMDB made the file and before the run had made
  // every table left a store the rerun refused as another program's.
  it.each([[[] as string[]], [['steps', 'chunks']]])(
    'is a store whose creation was cut short when it holds only amlprep tables: %j',
    async (tables) => {
      const dir = tempDir();
      const path = join(dir, 'checkpoints.mdb');
      const env = open({ path });
      for (const name of tables) env.openDB({ name });
      await env.close();

      // Readers see a store with nothing recorded; a dry run plans every step.
      const status = bufferIo();
      expect(await main(['status', dir], status), status.err()).toBe(0);
      expect(status.out()).toMatch(/^ *data_loaded .*not/m);
      const planned = bufferIo();
      expect(await main([...sampleRunArgs(dir, 5000), '--dry-run'], planned), planned.err()).toBe(
        0,
      );
      const run = bufferIo();
      expect(await main([...sampleRunArgs(dir, 5000), '--quiet'], run), run.err()).toBe(0);
      expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    },
    60_000,
  );

  it('is replaced by a run when it has no bytes: LMDB had only just made it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'checkpoints.mdb'), '');
    expect(await main(['status', dir], bufferIo())).toBe(0);
    expect(await main([...sampleRunArgs(dir, 5000), '--dry-run'], bufferIo())).toBe(0);

    const run = bufferIo();
    expect(await main([...sampleRunArgs(dir, 5000), '--quiet'], run), run.err()).toBe(0);
    expect(CheckpointStore.isOurs(dir)).toBe(true);
  }, 60_000);

  // Fourth trial (session 13): keys or tables named like amlprep's made a file pass for one.
  it.each([
    ['a plain key named like a table', (env: RootDatabase) => env.putSync('chunks', 1)],
    [
      'a table of that name with a key in it',
      (env: RootDatabase) => env.openDB({ name: 'steps' }).putSync('data_loaded', { hello: 1 }),
    ],
  ])('stays another program’s when it holds %s', async (_, fill) => {
    const dir = tempDir();
    const path = join(dir, 'checkpoints.mdb');
    const env = open({ path });
    fill(env);
    await env.close();

    const io = bufferIo();
    expect(await main(sampleRunArgs(dir, 5000), io)).toBe(2);
    expect(io.err()).toContain(`${path} is an LMDB file without amlprep's tables`);
  });

  it('is removed by clean when it is not LMDB at all: a damaged store, as run says', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'checkpoints.mdb'), 'junk');

    const runIo = bufferIo();
    expect(await main(sampleRunArgs(dir, 5000), runIo)).toBe(2);
    expect(runIo.err()).toContain(`remove it with 'amlprep clean ${dir}'`);
    expect(await main(['clean', dir], bufferIo())).toBe(0);
    expect(existsSync(join(dir, 'checkpoints.mdb'))).toBe(false);
  });
});

// Trial FF (session 25): scratch names were handled three ways. A user's file at one in a
// new folder was deleted without a word; a link at the spill's name stopped `clean`, which
// removes links at the other scratch names.
describe("a file at one of amlprep's scratch names", () => {
  it.each(['edge-features.spill', 'nodes.arrow.tmp', 'manifest.json.tmp'])(
    'is refused in a folder amlprep did not write, and kept: %s',
    async (name) => {
      const dir = tempDir();
      writeFileSync(join(dir, name), 'my precious');
      const io = bufferIo();

      const code = await main(sampleRunArgs(dir, 5000), io);

      expect(code).toBe(2);
      expect(io.err()).toContain(`${dir}: holds ${name} that amlprep did not write`);
      expect(readFileSync(join(dir, name), 'utf8')).toBe('my precious');
      expect(existsSync(join(dir, 'checkpoints.mdb'))).toBe(false);
    },
  );

  it("is removed by a run in amlprep's own folder, with a note naming it", async () => {
    const dir = tempDir();
    await run(sampleRunOptions(dir, 5000));
    writeFileSync(join(dir, 'edge-features.spill'), 'left by a kill');
    writeFileSync(join(dir, 'nodes.arrow.tmp'), 'left by a kill');
    const notes: string[] = [];

    await run({
      ...sampleRunOptions(dir, 5000),
      onProgress: (e) => void (e.kind === 'note' && notes.push(e.message)),
    });

    expect(notes).toContain(
      "removed what an earlier run left at amlprep's scratch names: nodes.arrow.tmp, " +
        'edge-features.spill',
    );
    expect(existsSync(join(dir, 'edge-features.spill'))).toBe(false);
    expect(existsSync(join(dir, 'nodes.arrow.tmp'))).toBe(false);
  });

  // Trial KK (session 26): --dry-run did not say what the run would remove first.
  it('is named by --dry-run, which removes nothing', async () => {
    const dir = tempDir();
    await run(sampleRunOptions(dir, 5000));
    writeFileSync(join(dir, 'edges.arrow.tmp'), 'left by a kill');
    symlinkSync(join(dir, 'no-such-target'), join(dir, 'nodes.arrow.tmp'));
    const io = bufferIo();

    expect(await main([...sampleRunArgs(dir, 5000), '--dry-run'], io)).toBe(0);

    expect(io.err()).toContain(
      "note: the run will remove what an earlier run left at amlprep's scratch names: " +
        'nodes.arrow.tmp, edges.arrow.tmp\n',
    );
    expect(readFileSync(join(dir, 'edges.arrow.tmp'), 'utf8')).toBe('left by a kill');
    expect(lstatSync(join(dir, 'nodes.arrow.tmp')).isSymbolicLink()).toBe(true);
  });

  it('is a link that clean removes at the spill name, never its target', async () => {
    const dir = tempDir();
    await run(sampleRunOptions(dir, 5000));
    const target = join(tempDir(), 'decoy');
    writeFileSync(target, 'keep me');
    symlinkSync(target, join(dir, 'edge-features.spill'));
    const io = bufferIo();

    expect(await main(['clean', dir], io), io.err()).toBe(0);

    expect(io.out()).toContain(join(dir, 'edge-features.spill'));
    expect(lstatSync(join(dir, 'edge-features.spill'), { throwIfNoEntry: false })).toBe(undefined);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });

  it('is a link a streaming run replaces by its own spill, never writing through it', async () => {
    const dir = tempDir();
    const target = join(tempDir(), 'decoy');
    writeFileSync(target, 'keep me');
    await run(sampleRunOptions(dir, 5000));
    symlinkSync(target, join(dir, 'edge-features.spill'));

    const result = await run({ ...sampleRunOptions(dir, 5000), fresh: true, memoryBudget: '1m' });

    expect(result.memory?.streaming).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(lstatSync(join(dir, 'edge-features.spill'), { throwIfNoEntry: false })).toBe(undefined);
  }, 30_000);
});
