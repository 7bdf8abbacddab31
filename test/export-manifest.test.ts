import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { InputError, readOutputs, type Manifest } from '../src/index.js';
import { readArrow } from './helpers/arrow.js';
import { sha256File } from './helpers/hash.js';
import { withEdgeRows } from './helpers/manifest-edits.js';
import { REPO, runMixedFixture } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

const sharedDir = useSharedTempDirs('manifest');
const examples = join(REPO, 'examples');
const scripts = readdirSync(examples)
  .filter((f) => f.endsWith('.py'))
  .sort();

/** Every `<prefix>["key"]` in a script. */
function keysAfter(source: string, prefix: string): string[] {
  const re = new RegExp(`\\b${prefix}\\["([^"]+)"\\]`, 'g');
  return [...source.matchAll(re)].map((m) => m[1]!);
}

/** Arrow JS's name for each type the manifest names. */
const ARROW_TYPE: Record<string, string> = {
  float64: 'Float64',
  int8: 'Int8',
  int32: 'Int32',
  int64: 'Int64',
  utf8: 'Utf8',
  'timestamp[s, UTC]': 'Timestamp<SECOND, UTC>',
  'dictionary<int32, utf8>': 'Dictionary<Int32, Utf8>',
};

let runDir = '';
let manifest: Manifest;

beforeAll(async () => {
  runDir = sharedDir();
  await runMixedFixture(runDir);
  manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
});

describe('the Python examples rely only on what the manifest provides', () => {
  it('covers the five scripts', () => {
    expect(scripts).toEqual([
      'load_pandas.py',
      'load_polars.py',
      'load_pyarrow.py',
      'pyg_data.py',
      'xgboost_weights.py',
    ]);
  });

  it.each(scripts)('%s reads only manifest keys that exist', (script) => {
    const source = readFileSync(join(examples, script), 'utf8');
    const chains = [...source.matchAll(/manifest((?:\["[^"]+"\])+)/g)].map((m) =>
      [...m[1]!.matchAll(/"([^"]+)"/g)].map((k) => k[1]!),
    );
    expect(chains.length).toBeGreaterThan(0);
    for (const chain of chains) {
      let at: unknown = manifest;
      for (const key of chain) {
        expect(at, `manifest${chain.map((k) => `["${k}"]`).join('')}`).toHaveProperty([key]);
        at = (at as Record<string, unknown>)[key];
      }
    }
    const column = manifest.columns.edges[0]!;
    for (const key of keysAfter(source, 'c')) expect(column).toHaveProperty([key]);
    for (const f of [...manifest.features.node, ...manifest.features.edge]) {
      for (const key of keysAfter(source, 'f')) expect(f).toHaveProperty([key]);
    }
    for (const key of keysAfter(source, 'entry')) {
      expect(manifest.files.edges).toHaveProperty([key]);
    }
    for (const key of keysAfter(source, 'weights')) {
      expect(manifest.classWeights).toHaveProperty([key]);
    }
    for (const [, file] of source.matchAll(/\bread\("(\w+)"\)/g)) {
      expect(manifest.files).toHaveProperty([file!]);
    }
  });

  it.each(scripts)('%s finds each role it asks for in exactly one column', (script) => {
    const source = readFileSync(join(examples, script), 'utf8');
    const asked = [
      ...[...source.matchAll(/column_with_role\("(\w+)", "([^"]+)"\)/g)].map((m) => [m[1]!, m[2]!]),
      ...[...source.matchAll(/column_with_role\("([^"]+)"\)/g)].map((m) => ['edges', m[1]!]),
    ] as [keyof Manifest['columns'], string][];
    expect(asked.length).toBeGreaterThan(0);
    for (const [file, role] of asked) {
      const matching = manifest.columns[file].filter((c) => c.role === role);
      expect(matching, `${file} ${role}`).toHaveLength(1);
    }
  });

  it.each(scripts)(
    '%s names only splits that edges.arrow holds, and no column position',
    (script) => {
      const source = readFileSync(join(examples, script), 'utf8');
      const edges = readArrow(join(runDir, 'edges.arrow'));
      const splits = new Set([...edges.getChild('split')!].map(String));
      for (const [, name] of source.matchAll(/"(train|validation|val|test)"/g)) {
        expect(splits.has(name!), name).toBe(true);
      }
      expect(source).not.toMatch(/\.iloc\[|\[:, ?\d|\.column\(\d/);
    },
  );

  it('gives train_resampled the model-input columns the scripts build from features', () => {
    const fromFeatures = manifest.features.edge.map((f) => f.normalized ?? f.name);
    const resampled = manifest.columns.trainResampled;
    expect(resampled.filter((c) => c.role.startsWith('feature:')).map((c) => c.name)).toEqual(
      fromFeatures,
    );
    expect(resampled.at(-1)).toMatchObject({ role: 'label' });
  });
});

describe('the Arrow files match their manifest', () => {
  it.each(['nodes', 'edges', 'trainResampled'] as const)(
    '%s has the manifest columns, types and rows, and no nulls',
    (name) => {
      const entry = manifest.files[name];
      const table = readArrow(join(runDir, entry.file));
      expect(table.numRows).toBe(entry.rows);
      expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(
        manifest.columns[name].map((c) => [c.name, ARROW_TYPE[c.type]]),
      );
      for (const field of table.schema.fields) {
        expect(table.getChild(field.name)!.nullCount, field.name).toBe(0);
      }
      expect(sha256File(join(runDir, entry.file))).toBe(entry.sha256);
    },
  );

  it('states the row counts of the run it describes', () => {
    // mixed.csv: 20 rows; train_resampled: 12 train rows + 4 synthetic rows of class 1.
    expect(manifest.files.edges.rows).toBe(20);
    expect(manifest.files.trainResampled.rows).toBe(16);
  });
});

describe('readOutputs', () => {
  it('refuses a file whose bytes differ from its manifest checksum when verifying', async () => {
    const copy = sharedDir();
    cpSync(runDir, copy, { recursive: true });
    const path = join(copy, 'nodes.arrow');
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    writeFileSync(path, bytes);
    await expect(readOutputs(copy, { verify: true })).rejects.toThrow(/nodes\.arrow: SHA-256/);
  });

  // Library trial (session 17): with `verify`, a missing file or a folder at its name gave
  // Node's own ENOENT or EISDIR error instead of an InputError; without it, a folder was
  // called "damaged, cut short or not an Arrow file".
  it.each([true, false])(
    'names a missing output file and a folder at its name as such (verify %s)',
    async (verify) => {
      const missing = sharedDir();
      cpSync(runDir, missing, { recursive: true });
      rmSync(join(missing, 'train_resampled.arrow'));
      const folder = sharedDir();
      cpSync(runDir, folder, { recursive: true });
      rmSync(join(folder, 'edges.arrow'));
      mkdirSync(join(folder, 'edges.arrow'));

      const gone = await readOutputs(missing, { verify }).catch((error: unknown) => error);
      const dir = await readOutputs(folder, { verify }).catch((error: unknown) => error);

      expect(gone).toBeInstanceOf(InputError);
      expect((gone as Error).message).toMatch(/train_resampled\.arrow: cannot read \(ENOENT\)$/);
      expect(dir).toBeInstanceOf(InputError);
      expect((dir as Error).message).toMatch(/edges\.arrow: is a folder, not an output file$/);
    },
  );

  it('refuses files whose row count differs from the manifest', async () => {
    const copy = sharedDir();
    cpSync(runDir, copy, { recursive: true });
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify(withEdgeRows(manifest, 21)));
    await expect(readOutputs(copy)).rejects.toThrow(
      /edges\.arrow: 20 rows, but manifest\.json says 21/,
    );
  });

  it('refuses files whose columns differ from the manifest', async () => {
    const copy = sharedDir();
    cpSync(runDir, copy, { recursive: true });
    const columns = manifest.columns.nodes.map((c) => ({ ...c }));
    columns[1]!.name = 'bank_name';
    writeFileSync(
      join(copy, 'manifest.json'),
      JSON.stringify({ ...manifest, columns: { ...manifest.columns, nodes: columns } }),
    );
    await expect(readOutputs(copy)).rejects.toThrow(
      /column 2 is "bank", but manifest\.json lists "bank_name"/,
    );
  });
});
