import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';

import { runCli, STACK_LINE } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// SPEC §10: a checkpoint is used only if its checksum matches; otherwise it is recomputed
// and the reason is said. These tests damage the LMDB store behind the engine's back.

const tempDir = useTempDirs('damaged');

function args(out: string): string[] {
  return sampleRunArgs(out);
}

/** Opens the store as any LMDB client would and hands `edit` its payload and step tables. */
async function tamper(
  out: string,
  edit: (db: {
    payloads: ReturnType<typeof openPayloads>;
    steps: ReturnType<typeof openSteps>;
  }) => Promise<void>,
): Promise<void> {
  const root = open({ path: join(out, 'checkpoints.mdb'), compression: false, maxDbs: 8 });
  await edit({ payloads: openPayloads(root), steps: openSteps(root) });
  await root.close();
}

function openPayloads(root: ReturnType<typeof open>) {
  return root.openDB<Buffer, string>({ name: 'payloads', encoding: 'binary' });
}

function openSteps(root: ReturnType<typeof open>) {
  return root.openDB<unknown, string>({ name: 'steps' });
}

/** Key of the `n`-th recorded chunk of `step`. */
function chunkKey(payloads: ReturnType<typeof openPayloads>, step: string, n: number): string {
  const keys = [...payloads.getKeys()].filter((k) => k.startsWith(`${step}:`));
  const key = keys[n];
  if (key === undefined) throw new Error(`no chunk ${n} of ${step} among ${keys.length}`);
  return key;
}

describe('a damaged checkpoint store', () => {
  it('recomputes a chunk whose payload has a flipped bit and says so', async () => {
    const out = tempDir();
    expect((await runCli(args(out))).code).toBe(0);
    const before = sha256Of(out);

    // Drop the step records so the chunks are read back, then flip one bit of one payload.
    await tamper(out, async ({ payloads, steps }) => {
      const key = chunkKey(payloads, 'node_features', 2);
      const bytes = Buffer.from(payloads.getBinary(key)!);
      bytes[bytes.length - 3]! ^= 0x10;
      await payloads.put(key, bytes);
      for (const step of ['node_features', 'edge_features', 'graph_created']) {
        await steps.remove(step);
      }
    });
    const rerun = await runCli(args(out));

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('chunk 2 recomputed: payload checksum mismatch');
    expect(sha256Of(out)).toEqual(before);
  });

  it('recomputes a chunk whose record names a payload that is gone', async () => {
    const out = tempDir();
    expect((await runCli(args(out))).code).toBe(0);
    const before = sha256Of(out);

    await tamper(out, async ({ payloads, steps }) => {
      await payloads.remove(chunkKey(payloads, 'data_loaded', 1));
      await steps.remove('graph_created');
    });
    const rerun = await runCli(args(out));

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('chunk 1 recomputed: record names a payload that is missing');
    expect(sha256Of(out)).toEqual(before);
  });

  it('reports a store LMDB cannot open with what to do, and --fresh starts over', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'checkpoints.mdb'), 'this is not an LMDB environment\n'.repeat(500));

    const broken = await runCli(args(out));
    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.stderr).not.toMatch(STACK_LINE);
    expect(broken.stderr).toMatch(/checkpoint store .*--fresh/);

    const fresh = await runCli([...args(out), '--fresh']);
    expect(fresh.code, fresh.stderr).toBe(0);
  });

  // Trial G (session 18): a zeroed page of the chunk records made `status` and `--dry-run`
  // an "internal error (please report)" with a stack. Which page holds what depends on the
  // store's history, so every early page is tried in turn.
  it('lets status and --dry-run say the store is damaged, whichever page is zeroed', async () => {
    const finished = tempDir();
    expect((await runCli(args(finished))).code).toBe(0);

    for (let page = 2; page < 8; page++) {
      const out = tempDir();
      cpSync(finished, out, { recursive: true });
      zeroPage(join(out, 'checkpoints.mdb'), page);

      for (const result of [
        await runCli(['status', out]),
        await runCli([...args(out), '--dry-run']),
      ]) {
        expect([0, 2], `page ${page}: ${result.stderr}`).toContain(result.code);
        expect(result.stderr).not.toMatch(STACK_LINE);
        if (result.code === 2) expect(result.stderr).toContain('is damaged (');
      }
    }
  });

  // Trial H (session 18): with no manifest.json beside a store cut short, `clean` removed the
  // store alone; the outputs left behind then made every run and `clean --outputs` refuse
  // the folder as another program's.
  it('lets clean remove a damaged store with the outputs no manifest describes', async () => {
    const out = tempDir();
    expect((await runCli(args(out))).code).toBe(0);
    rmSync(join(out, 'manifest.json'));
    const store = join(out, 'checkpoints.mdb');
    writeFileSync(store, readFileSync(store).subarray(0, 5000));

    const cleaned = await runCli(['clean', out]);
    const again = await runCli(args(out));

    expect(cleaned.code, cleaned.stderr).toBe(0);
    for (const name of ['checkpoints.mdb', 'nodes.arrow', 'edges.arrow']) {
      expect(cleaned.stdout).toContain(`removed ${join(out, name)}\n`);
    }
    expect(again.code, again.stderr).toBe(0);
  });

  // Trial I (session 18): there, `status` sent the user to --fresh, which refused the folder
  // as another program's (no store it could read, no manifest), as did `clean --outputs`.
  // Trial J: the same with the first page zeroed (no LMDB file any more, to look at).
  it.each([
    ['--fresh', 'cut short'],
    ['clean --outputs', 'cut short'],
    ['--fresh', 'with its first page zeroed'],
    ['clean', 'with its first page zeroed'],
  ])('lets %s recover a store %s whose manifest is gone', async (how, damage) => {
    const out = tempDir();
    expect((await runCli(args(out))).code).toBe(0);
    rmSync(join(out, 'manifest.json'));
    const store = join(out, 'checkpoints.mdb');
    if (damage === 'cut short') {
      writeFileSync(store, readFileSync(store).subarray(0, readFileSync(store).length - 4096));
    } else {
      zeroPage(store, 0);
    }

    const first =
      how === '--fresh'
        ? await runCli([...args(out), '--fresh'])
        : await runCli(['clean', out, ...(how === 'clean' ? [] : ['--outputs'])]);
    const again = await runCli(args(out));

    expect(first.code, first.stderr).toBe(0);
    expect(again.code, again.stderr).toBe(0);
  });

  // Trial H (session 18): under --resume-from, dropping the later steps' records wrote into
  // the damaged store; the commit failed inside lmdb-js, its promise never settled, and an
  // unhandled rejection ended the process (exit 1, a stack, the folder left locked).
  it('stops --resume-from on a damaged store with exit 2, unlocked, whichever page', async () => {
    const finished = tempDir();
    expect((await runCli(args(finished))).code).toBe(0);

    for (const page of [2, 3, 4, 5, 6, 7, 8]) {
      const out = tempDir();
      cpSync(finished, out, { recursive: true });
      zeroPage(join(out, 'checkpoints.mdb'), page);

      const result = await runCli([...args(out), '--resume-from', 'normalized']);

      expect([0, 2], `page ${page}: ${result.stderr}`).toContain(result.code);
      expect(result.stderr, `page ${page}`).not.toMatch(STACK_LINE);
      // A full disk is not what to look for here: this one has room.
      if (result.code === 2) expect(result.stderr, `page ${page}`).toContain('damaged');
      expect(existsSync(join(out, 'amlprep.lock')), `page ${page}`).toBe(false);
    }
  });

  // Trial J (session 18): LMDB's C code prints "txn has failed/finished, can't commit" with no
  // line break on the commit it refuses, and amlprep's message (text or JSON) was glued to it:
  // the JSON error line did not parse.
  it("starts its message on a line of its own after LMDB's unfinished line", async () => {
    const finished = tempDir();
    expect((await runCli(args(finished))).code).toBe(0);
    const lmdbText = "txn has failed/finished, can't commit";

    let seen = 0;
    for (const page of [2, 3, 4, 5]) {
      for (const format of ['text', 'json']) {
        const out = tempDir();
        cpSync(finished, out, { recursive: true });
        zeroPage(join(out, 'checkpoints.mdb'), page);

        const result = await runCli([
          ...args(out),
          ...['--resume-from', 'normalized', '--log-format', format],
        ]);

        if (!result.stderr.includes(lmdbText)) continue;
        seen++;
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines, `page ${page}`).toContain(lmdbText);
        const last = lines.at(-1)!;
        if (format === 'text') expect(last).toMatch(/^amlprep: cannot record .*MDB_BAD_TXN/);
        else expect(JSON.parse(last)).toMatchObject({ code: 'ERR_AMLPREP_CHECKPOINT' });
      }
    }
    // Which page makes LMDB refuse the commit depends on the store's layout; with the sample's
    // run it is page 2, so at least that one is tried here.
    expect(seen).toBeGreaterThan(0);
  });

  // Trial K (session 19): damaged key bytes that ordered-binary decodes into a RangeError (or a
  // cursor LMDB answers with MDB_BAD_TXN) made `status`, reruns and --dry-run an "internal
  // error" with a stack. Written here as such a key: a number's bytes with one byte too many
  // (a run reads the keys of one step at a time, and this one sorts before them all).
  it('says so when a record key cannot be decoded, and --fresh starts over', async () => {
    const out = tempDir();
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    expect((await runCli(args(out))).code).toBe(0);
    const root = open({ path: join(out, 'checkpoints.mdb'), compression: false, maxDbs: 8 });
    const chunks = root.openDB<unknown, number>({ name: 'chunks' });
    const raw = root.openDB<unknown, Buffer>({ name: 'chunks', keyEncoding: 'binary' });
    await chunks.put(4.578, {});
    const key = [...raw.getKeys()].find((k) => k[0]! < 0x30)!;
    await chunks.remove(4.578);
    await raw.put(Buffer.concat([Buffer.from(key), Buffer.from([5])]), {});
    await root.close();

    const listed = await runCli(['status', out]);
    const planned = await runCli([...args(out), '--dry-run']);
    const fresh = await runCli([...args(out), '--fresh']);

    const said =
      `amlprep: the checkpoint store ${join(out, 'checkpoints.mdb')} is damaged (its records ` +
      'cannot be read: The number 4.578 cannot be converted to a BigInt because it is not an ' +
      `integer); rerun with --fresh to start over, or remove it with 'amlprep clean ${out}'\n`;
    for (const result of [listed, planned]) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(said);
    }
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(sha256Of(out)).toEqual(sha256Of(clean));
  });

  // Trial L (session 19): with the store's last page zeroed, a rerun with another --seed
  // failed to commit the plan of imbalanced in an asynchronous put; lmdb-js left a rejection
  // nobody could handle, and the process ended (exit 1, a stack, the folder locked).
  it('stops with exit 2, unlocked, when a plan cannot be committed', async () => {
    const dir = tempDir();
    const tx = join(dir, 'tx.csv');
    const made = await runCli([
      ...['generate', '--rows', '50000', '--accounts', '5000', '--out', tx],
      ...['--accounts-out', join(dir, 'acc.csv'), '--patterns-out', join(dir, 'pat.txt')],
    ]);
    expect(made.code, made.stderr).toBe(0);
    const out = join(dir, 'out');
    const runArgs = ['run', tx, '--accounts', join(dir, 'acc.csv'), '--patterns'];
    const base = [...runArgs, join(dir, 'pat.txt'), '--out', out, '--chunk-size', '5000'];
    expect((await runCli(base)).code).toBe(0);
    const store = join(out, 'checkpoints.mdb');
    zeroPage(store, readFileSync(store).length / 4096 - 1);

    const rerun = await runCli([...base, '--seed', '7', '--log-format', 'json']);

    expect(rerun.code, rerun.stderr).toBe(2);
    const last = JSON.parse(rerun.stderr.trimEnd().split('\n').at(-1)!) as { message: string };
    expect(last.message).toMatch(/^cannot record the plan of imbalanced in .*MDB_BAD_TXN/);
    expect(rerun.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);
  });

  // Trial G (session 18): a step record whose bytes were damaged made the run and `status`
  // an "internal error (please report)" with msgpackr's words and a stack.
  it('says so when a step record cannot be decoded, and --fresh starts over', async () => {
    const out = tempDir();
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    expect((await runCli(args(out))).code).toBe(0);
    const root = open({ path: join(out, 'checkpoints.mdb'), compression: false, maxDbs: 8 });
    const raw = root.openDB<Buffer, string>({ name: 'steps', encoding: 'binary' });
    const record = raw.getBinary('node_features')!;
    // The record cut short by its last byte: its MessagePack ends in mid-value.
    await raw.put('node_features', Buffer.from(record.subarray(0, record.length - 1)));
    await root.close();

    const listed = await runCli(['status', out]);
    const rerun = await runCli(args(out));
    const fresh = await runCli([...args(out), '--fresh']);

    for (const result of [listed, rerun]) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `the checkpoint store ${join(out, 'checkpoints.mdb')} is damaged (a record cannot be ` +
          'decoded: ',
      );
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(sha256Of(out)).toEqual(sha256Of(clean));
  });

  // Session 18: with the page that lists the store's tables damaged, the store read as
  // another program's LMDB file, and `clean` refused to remove it.
  it('says so when the page listing its tables is damaged, and clean removes it', async () => {
    const out = tempDir();
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    expect((await runCli(args(out))).code).toBe(0);
    const store = join(out, 'checkpoints.mdb');
    zeroPage(store, mainRootPage(store));

    const listed = await runCli(['status', out]);
    const rerun = await runCli(args(out));
    const cleaned = await runCli(['clean', out]);
    const again = await runCli(args(out));

    const said = `amlprep: the checkpoint store ${store} is damaged (MDB_CORRUPTED`;
    for (const result of [listed, rerun]) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(said);
      expect(result.stderr).toContain(`or remove it with 'amlprep clean ${out}'`);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toContain(`removed ${store}\n`);
    expect(again.code, again.stderr).toBe(0);
    expect(sha256Of(out)).toEqual(sha256Of(clean));
  });

  // Trial E (session 18): a page of the store zeroed (a disk fault) made every rerun an
  // "internal error (please report)" with a stack, and --fresh an unhandled rejection that
  // left the folder locked. LMDB keeps no page checksums, so such damage shows only as a
  // page is read.
  it('says a store with a damaged page is damaged, and --fresh starts over', async () => {
    const out = tempDir();
    const clean = tempDir();
    expect((await runCli(args(clean))).code).toBe(0);
    expect((await runCli(args(out))).code).toBe(0);
    const store = join(out, 'checkpoints.mdb');
    const bytes = readFileSync(store);
    bytes.fill(0, 2 * 4096, 3 * 4096);
    writeFileSync(store, bytes);
    rmSync(join(out, 'edges.arrow'));

    const broken = await runCli(args(out));

    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.stderr).toContain(`the checkpoint store ${store} is damaged (MDB_CORRUPTED`);
    expect(broken.stderr).toContain(`rerun with --fresh to start over`);
    expect(broken.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(out, 'amlprep.lock'))).toBe(false);

    const fresh = await runCli([...args(out), '--fresh']);

    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toMatch(STACK_LINE);
    expect(sha256Of(out)).toEqual(sha256Of(clean));
  });
});

describe('a damaged output folder', () => {
  it('rewrites a changed manifest.json with a note and keeps the Arrow bytes', async () => {
    const out = tempDir();
    expect((await runCli(args(out))).code).toBe(0);
    const before = sha256Of(out);
    const manifest = join(out, 'manifest.json');
    const original = JSON.parse(readFileSync(manifest, 'utf8')) as { files: unknown };
    writeFileSync(manifest, '{}\n');

    const rerun = await runCli(args(out));

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('rewriting all outputs: manifest.json was changed');
    const rewritten = JSON.parse(readFileSync(manifest, 'utf8')) as { files: unknown };
    expect(rewritten.files).toEqual(original.files);
    expect(sha256Of(out)).toEqual(before);
  });
});

/**
 * The page of the main table (the list of named tables) in an LMDB file with 4 KiB pages,
 * read from the newer of its two meta pages, as LMDB's format lays them out: a 24-byte page
 * header, then the meta (magic, version, address, map size, the free and the main table's
 * records of 48 bytes each, the last page and the transaction id).
 */
function mainRootPage(path: string): number {
  const bytes = readFileSync(path);
  const meta = (page: number) => ({
    magic: bytes.readUInt32LE(page * 4096 + 24),
    root: Number(bytes.readBigUInt64LE(page * 4096 + 136)),
    txn: bytes.readBigUInt64LE(page * 4096 + 152),
  });
  const [a, b] = [meta(0), meta(1)];
  expect([a.magic, b.magic]).toEqual([0xbeefc0de, 0xbeefc0de]);
  return (a.txn > b.txn ? a : b).root;
}

function zeroPage(path: string, page: number): void {
  const bytes = readFileSync(path);
  bytes.fill(0, page * 4096, (page + 1) * 4096);
  writeFileSync(path, bytes);
}
