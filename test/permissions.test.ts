import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { runCli, STACK_LINE } from './helpers/cli.js';
import { sha256File } from './helpers/hash.js';
import { BIN, sampleRunArgs } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

// Trial K (session 19), run as a user without rights to a root-owned folder: an unreadable
// checkpoint store read as "an LMDB file without amlprep's tables" (and a run advised
// --fresh, which throws the checkpoints away), `clean` called it another program's, and an
// unlistable folder read as "nothing has run in this folder" to `status` and as "cannot
// write amlprep.lock" to `inspect`. Root reads everything, so these run as `nobody` and only
// where the tests run as root (CI does).

const asRoot = process.getuid?.() === 0;
const NOBODY = 65_534;
const sharedDir = useSharedTempDirs('permissions');

/** The CLI as the user `nobody`. */
function asNobody(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    uid: NOBODY,
    gid: NOBODY,
    cwd: '/',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const DENIED = '(EACCES: permission denied); run as its owner or give this user access to it';

describe.skipIf(!asRoot)('a folder or store this user may not read', () => {
  let finished = '';

  beforeAll(async () => {
    const top = sharedDir();
    chmodSync(top, 0o755);
    finished = join(top, 'finished');
    expect((await runCli(sampleRunArgs(finished))).code).toBe(0);
  });

  function copy(name: string): string {
    const out = join(sharedDir(), name);
    chmodSync(join(out, '..'), 0o755);
    cpSync(finished, out, { recursive: true });
    chmodSync(out, 0o777);
    return out;
  }

  it('names an unreadable store as such to run, status, --dry-run and clean', () => {
    const out = copy('store');
    const store = join(out, 'checkpoints.mdb');
    chmodSync(store, 0o000);

    const run = asNobody(sampleRunArgs(out));
    const planned = asNobody([...sampleRunArgs(out), '--dry-run']);
    const listed = asNobody(['status', out]);
    const cleaned = asNobody(['clean', out]);

    expect(run.stderr).toBe(
      `amlprep: cannot read and write the checkpoint store ${store} ${DENIED}\n`,
    );
    for (const result of [planned, listed, cleaned]) {
      expect(result.stderr).toBe(`amlprep: cannot read the checkpoint store ${store} ${DENIED}\n`);
    }
    for (const result of [run, planned, listed, cleaned]) expect(result.code).toBe(2);
  });

  it('names an unlistable folder as such to status, clean, inspect and export', () => {
    const out = copy('folder');
    chmodSync(out, 0o000);

    const results = [
      asNobody(['status', out]),
      asNobody(['clean', out]),
      asNobody(['inspect', out]),
      asNobody(['export', out, '--format', 'csv', '--out', join(sharedDir(), 'x')]),
    ];

    for (const result of results) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(`amlprep: cannot read ${out} ${DENIED}\n`);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
  });

  // Trial L (session 19): an output file this user could not read stopped a plain rerun with
  // "cannot write …/edges.arrow (EACCES)": reading it for the reuse check is what failed.
  it('rewrites an output file it may not read, as it rewrites a changed one', () => {
    const out = copy('output');
    for (const name of readdirSync(out)) chmodSync(join(out, name), 0o666);
    chmodSync(join(out, 'edges.arrow'), 0o000);

    const rerun = asNobody(sampleRunArgs(out));

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(
      'note: rewriting all outputs: edges.arrow cannot be read (EACCES)',
    );
    expect(sha256File(join(out, 'edges.arrow'))).toBe(sha256File(join(finished, 'edges.arrow')));
  });

  // Trial L (session 19): a folder this user may enter and write but not list (733) served a
  // run, while --dry-run refused it as unreadable.
  it('takes a folder it may enter but not list, in a dry run as in status', () => {
    const out = copy('enter-only');
    for (const name of readdirSync(out)) chmodSync(join(out, name), 0o666);
    chmodSync(out, 0o733);

    const planned = asNobody([...sampleRunArgs(out), '--dry-run']);
    const listed = asNobody(['status', out]);

    expect(planned.code, planned.stderr).toBe(0);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^graph_created +done/m);
  });
});
