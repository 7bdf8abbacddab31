import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { STACK_LINE } from './helpers/cli.js';
import { BIN, REPO, SAMPLE } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Trial K (session 19): started from a folder that was then removed, `run` printed one
// progress line and exited 13 (its worker threads could not start, and the pool waited for
// them forever), and a relative --out gave "internal error" with Node's uv_cwd stack.

const tempDir = useTempDirs('removed-cwd');

/** Runs the CLI (or `script` with `args`) from a folder removed just before it starts. */
function fromRemovedFolder(args: string[], script = BIN) {
  const gone = join(tempDir(), 'gone');
  mkdirSync(gone);
  const quoted = [process.execPath, script, ...args].map((a) => `'${a}'`).join(' ');
  const result = spawnSync('sh', ['-c', `cd '${gone}' && rmdir '${gone}' && exec ${quoted}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const GONE =
  'amlprep: the current folder no longer exists (removed or moved after amlprep started ' +
  'in it), and';

describe('a current folder removed before amlprep starts', () => {
  it('stops a run with exit 2 and says why, creating nothing', () => {
    const out = join(tempDir(), 'out');

    const result = fromRemovedFolder(['run', SAMPLE.transactions, '--out', out]);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toBe(
      `${GONE} a run's worker threads cannot start without it: change to an existing folder ` +
        'and rerun\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('names a relative path it cannot resolve, in text and in JSON', () => {
    const text = fromRemovedFolder(['run', SAMPLE.transactions, '--out', 'rel']);
    const json = fromRemovedFolder(['status', 'rel', '--json']);

    const said = `${GONE} the relative path "rel" needs it: change to an existing folder and rerun`;
    expect(text.code, text.stderr).toBe(2);
    expect(text.stderr).toBe(`${said}\n`);
    expect(json.code, json.stderr).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({
      code: 'ERR_AMLPREP_OPTION',
      message: said.slice('amlprep: '.length),
    });
  });

  it('still reads a folder named by an absolute path', () => {
    const out = tempDir();
    const made = spawnSync(process.execPath, [BIN, 'run', SAMPLE.transactions, '--out', out], {
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);

    const listed = fromRemovedFolder(['status', out]);

    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^graph_created +done/m);
    expect(listed.stderr).not.toMatch(STACK_LINE);
  });

  // Trial L (session 19): the library's generate() threw Node's raw uv_cwd error for a
  // relative path, where every other function gave the OptionError.
  it('gives the library an OptionError for a relative path, in generate() too', () => {
    const script = join(tempDir(), 'generate.mjs');
    const index = pathToFileURL(join(REPO, 'dist', 'src', 'index.js')).href;
    writeFileSync(
      script,
      `import { generate } from '${index}';\n` +
        "generate({ rows: 10, accounts: 32, out: 'x.csv' }).then(\n" +
        "  () => console.log('written'),\n" +
        '  (e) => console.log(`${e.code}: ${e.message}`),\n' +
        ');\n',
    );

    const result = fromRemovedFolder([], script);

    expect(result.stdout).toBe(
      `ERR_AMLPREP_OPTION: ${GONE.slice('amlprep: '.length)} the relative path "x.csv" ` +
        'needs it: change to an existing folder and rerun\n',
    );
  });
});
