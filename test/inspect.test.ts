import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';

import { inspectRun, run, type Inspection, type Manifest } from '../src/index.js';
import { main } from '../src/cli/main.js';
import { formatInspection } from '../src/inspect/format.js';
import { copyWithFlippedEdges } from './helpers/arrow.js';
import { runMixedFixture, sampleRunOptions } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';
import { bufferIo } from './helpers/buffer-io.js';

const sharedDir = useSharedTempDirs('inspect');

describe('inspect', () => {
  let runDir = '';
  let report: Inspection;

  beforeAll(async () => {
    runDir = sharedDir();
    await runMixedFixture(runDir);
    report = await inspectRun(runDir);
  });

  it('counts edges per split and class from the files', () => {
    // Labels by day (four rows a day): 0011 | 0100 | 1000 || 1000 || 1000.
    expect(report.splits).toEqual({
      train: { '0': 8, '1': 4, total: 12 },
      validation: { '0': 3, '1': 1, total: 4 },
      test: { '0': 3, '1': 1, total: 4 },
      all: { '0': 14, '1': 6, total: 20 },
    });
    // SMOTE brings class 1 up to the 8 rows of class 0.
    expect(report.resampled).toEqual({ '0': 8, '1': 8, total: 16 });
    expect(report.warnings).toEqual([]);
  });

  it('counts typologies as the run summary does', () => {
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    const counted = Object.fromEntries(report.typologies.map((t) => [t.name, t.edges]));
    expect(counted).toEqual(manifest.summary.typologyCounts);
    expect(report.typologies.map((t) => t.edges)).toEqual(
      [...report.typologies.map((t) => t.edges)].sort((a, b) => b - a),
    );
  });

  it('lists the accounts with the highest out_degree + in_degree, ties by node id', () => {
    // From the rows: 0010/100A sends 5 and receives 4 (its self-transfer counts both ways),
    // 0020/200B sends 4 and receives 5, 0030/300C sends 3 and receives 3.
    const top = report.topAccounts
      .slice(0, 3)
      .map((a) => [`${a.bank}/${a.account}`, a.out_degree, a.in_degree, a.degree]);
    expect(top).toEqual([
      ['0010/100A', 5, 4, 9],
      ['0020/200B', 4, 5, 9],
      ['0030/300C', 3, 3, 6],
    ]);
    expect(report.topAccounts[0]!.node_id).toBeLessThan(report.topAccounts[1]!.node_id);
    expect(report.topAccounts).toHaveLength(10);
  });

  it('reports min, mean, max and nulls of every column', () => {
    const edges = report.files.edges.columns;
    const column = (name: string) => edges.find((c) => c.name === name)!;
    expect(column('y')).toMatchObject({ min: 0, max: 1, mean: 0.3, nulls: 0 });
    expect(column('edge_id')).toMatchObject({ min: 0, max: 19, mean: 9.5 });
    expect(column('timestamp')).toMatchObject({
      min: '2022-09-01T00:05:00Z',
      max: '2022-09-05T23:59:59Z',
    });
    expect(column('split').distinct).toBe(3);
    expect(report.files.nodes.columns.map((c) => c.name)).toContain('entity_type');
    const all = Object.values(report.files).flatMap((f) => f.columns);
    expect(all.every((c) => c.nulls === 0 && c.nan === 0)).toBe(true);
  });

  it('prints a readable report, and the same facts as JSON with --json', async () => {
    const text = bufferIo();
    expect(await main(['inspect', runDir, '--top', '2'], text)).toBe(0);
    expect(text.out()).toMatch(/^ {2}train +8 +4 +12 +33\.33%$/m);
    expect(text.out()).toMatch(/^ {2}\d+ +0010 +100A +5 +4 +9$/m);
    expect(text.out()).toContain('columns of train_resampled.arrow');

    const json = bufferIo();
    expect(await main(['inspect', runDir, '--json'], json)).toBe(0);
    const parsed = JSON.parse(json.out()) as Inspection;
    expect(parsed.splits).toEqual(report.splits);
    expect(parsed.topAccounts).toEqual(report.topAccounts);
  });

  // Fresh-user trial: inspect said nothing of a changed file, though the README said it
  // checks the files against the manifest (SHA-256), and stopped with exit 2 on a file of
  // another run instead of reporting on it.
  it('warns of a file whose bytes are not the ones manifest.json hashed', async () => {
    const edges = copyWithFlippedEdges(runDir, join(sharedDir(), 'changed'));
    const dir = join(edges, '..');

    const changed = await inspectRun(dir);

    expect(changed.warnings).toHaveLength(1);
    expect(changed.warnings[0]).toMatch(
      new RegExp(
        `^${edges}: SHA-256 [0-9a-f]{12}… differs from the [0-9a-f]{12}… in ` +
          'manifest\\.json; the file was changed$',
      ),
    );
  });

  // Second fresh-user trial (session 15): edited node, edge and typology counts passed.
  it('warns of summary counts of nodes, edges and typologies the files do not hold', async () => {
    const dir = join(sharedDir(), 'edited');
    cpSync(runDir, dir, { recursive: true });
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    manifest.summary.edges = 5;
    manifest.summary.nodes = -7;
    // The mixed fixture's patterns give FAN-OUT two edges.
    expect(manifest.summary.typologyCounts['FAN-OUT']).toBe(2);
    manifest.summary.typologyCounts['FAN-OUT'] = 3;
    writeFileSync(path, JSON.stringify(manifest));

    const edited = await inspectRun(dir);

    expect(edited.warnings).toEqual([
      `summary.nodes: the files hold ${report.files.nodes.rows} nodes, manifest.json says -7`,
      `summary.edges: the files hold ${report.files.edges.rows} edges, manifest.json says 5`,
      'summary.typologyCounts.FAN-OUT: the files hold 2 edges, manifest.json says 3',
    ]);
  });

  it("reports on another run's file with warnings for its size and rows", async () => {
    const other = sharedDir();
    await run({ ...sampleRunOptions(other), smoteRatio: 0.5 });
    const dir = join(sharedDir(), 'mixed');
    cpSync(runDir, dir, { recursive: true });
    cpSync(join(other, 'train_resampled.arrow'), join(dir, 'train_resampled.arrow'));
    const file = join(dir, 'train_resampled.arrow');
    const otherReport = await inspectRun(other);
    const rows = otherReport.resampled.total;

    const io = bufferIo();
    expect(await main(['inspect', dir, '--json'], io)).toBe(0);

    const mixed = JSON.parse(io.out()) as Inspection;
    expect(mixed.resampled.total).toBe(rows);
    // Its size differs, so its hash does too: that is not said again.
    const size = statSync(file).size;
    const written = statSync(join(runDir, 'train_resampled.arrow')).size;
    expect(mixed.warnings).toEqual([
      `${file}: ${size} bytes, not the ${written} in manifest.json; the file was changed`,
      expect.stringMatching(codeWarning(file)),
      `${file}: ${rows} rows, but manifest.json says 16`,
      // The mixed fixture's train split (8/4) made 8/8 by SMOTE to 1:1.
      `${file}: the file holds ${otherReport.resampled['0']}/${otherReport.resampled['1']} rows ` +
        "of class 0/1, but SMOTE to ratio 1 of the train split's 8/4 edges of class 0/1 give 8/8",
    ]);
    // The other run's codes go past this run's tables (it has more rows): the value named is
    // the file's own, and past the end of the table named.
    const [, row, column, value, size2, table] = codeWarning(file).exec(mixed.warnings[1]!)!;
    const own = tableFromIPC(readFileSync(file));
    expect(own.getChild(column!)!.get(Number(row))).toBe(Number(value));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.dictionaries[table!]).toHaveLength(Number(size2));
    expect(Number(value)).toBeGreaterThanOrEqual(Number(size2));
    // As text, the warnings go to stderr, where a redirected report does not hide them.
    const text = bufferIo();
    expect(await main(['inspect', dir], text)).toBe(0);
    expect(text.err()).toBe(mixed.warnings.map((w) => `warning: ${w}\n`).join(''));
    expect(text.out()).toContain('4 warnings of differences from manifest.json, printed on stderr');
    // The header's figures are the file's own.
    expect(mixed.files.trainResampled.rows).toBe(rows);
    expect(mixed.files.trainResampled.bytes).toBe(statSync(file).size);
  }, 60_000);

  // Fresh-user trial (session 15): a negative --top listed nothing without a word.
  it('refuses a negative --top, on the command line and in the library', async () => {
    const io = bufferIo();

    expect(await main(['inspect', runDir, '--top=-1'], io)).toBe(2);
    expect(io.err()).toBe(
      "amlprep: inspect: --top must be an integer of at least 0, got -1 (see 'amlprep inspect " +
        "--help')\n",
    );
    await expect(inspectRun(runDir, { top: -3 })).rejects.toThrow(
      'options.top must be an integer of at least 0, got -3',
    );
  });

  // Trial JJ (session 26): one 60 M-character account padded every row of the table to it.
  it('cuts long bank and account text in the text report', () => {
    const long = `${'A'.repeat(5_000)}-END-OF-LONG`;
    const edited: Inspection = {
      ...report,
      topAccounts: report.topAccounts.map((a, i) => (i === 0 ? { ...a, account: long } : a)),
    };

    const text = formatInspection(edited);

    const table = text.split('\n').filter((line) => /^ +\d+ /.test(line));
    expect(table[0]).toContain(`${'A'.repeat(39)}…`);
    expect(text).not.toContain('-END-OF-LONG');
    expect(Math.max(...table.map((line) => line.length))).toBeLessThan(100);
  });

  // Trial GG (session 25): --top 0 printed "top 0 accounts" over an empty table.
  it('leaves the top accounts out for --top 0', async () => {
    const io = bufferIo();

    expect(await main(['inspect', runDir, '--top', '0'], io)).toBe(0);

    expect(io.out()).not.toContain('accounts by degree');
    expect(io.out()).not.toMatch(/^ +node_id +bank +account/m);
    expect(io.out()).toContain('columns of nodes.arrow');
  });

  it('refuses a folder without a finished run', async () => {
    const io = bufferIo();
    expect(await main(['inspect', sharedDir()], io)).toBe(2);
    expect(io.err()).toMatch(/manifest\.json: cannot read \(ENOENT\)/);
  });
});

/** A warning of a code past the end of its table: row, column, value, table size and name. */
function codeWarning(file: string): RegExp {
  return new RegExp(
    `^${file}: row (\\d+) has (\\w+) (\\d+), not one of the (\\d+) codes of ` +
      'dictionaries\\.(\\w+) ' +
      "\\(manifest\\.json\\); not this run's file, or the code table was edited$",
  );
}
