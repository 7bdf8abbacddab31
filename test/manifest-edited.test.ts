// A manifest.json edited into valid JSON of another shape (a key removed, a count made
// negative, a text where a list was) made inspect and export fail with a TypeError and a
// stack trace, or size an array by -1 rows (fresh-user trial, session 15). Every reader now
// checks the keys it uses first and names the first one that is wrong, exit 2.
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  inspectRun,
  readOutputs,
  run,
  UnreadableOutputError,
  type Manifest,
} from '../src/index.js';
import { main } from '../src/cli/main.js';
import { weightsOfCounts } from '../src/features/class-weights.js';
import { manifestShapeProblem } from '../src/output/manifest-shape.js';
import { bufferIo } from './helpers/buffer-io.js';
import { withEdgeRows } from './helpers/manifest-edits.js';
import { runMixedFixture, sampleRunOptions } from './helpers/paths.js';
import { useSharedTempDirs } from './helpers/temp-dir.js';

const sharedDir = useSharedTempDirs('manifest-edited');

type Json = Record<string, unknown>;

/**
 * Each export format's refusal of `runDir`: exit 2, no target folder made; returns each
 * message as printed, without the `amlprep: ` prefix and the line break.
 */
async function exportRefusals(
  runDir: string,
  formats = ['npy', 'csv', 'multignn'],
): Promise<string[]> {
  const messages: string[] = [];
  for (const format of formats) {
    const io = bufferIo();
    const target = join(runDir, format);
    expect(await main(['export', runDir, '--format', format, '--out', target], io), format).toBe(2);
    expect(existsSync(target)).toBe(false);
    messages.push(
      io
        .err()
        .replace(/^amlprep: /, '')
        .trimEnd(),
    );
  }
  return messages;
}

/** A run of the mixed fixture in a folder of its own, its manifest.json edited by `edit`. */
async function editedMixedRun(edit: (m: Manifest) => void) {
  const runDir = sharedDir();
  await runMixedFixture(runDir);
  const path = join(runDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
  return { runDir, path, manifest };
}

/** Edits by hand, each with the message it must give. */
const EDITS: [string, (m: Json) => void, string][] = [
  [
    'summary.splits removed',
    (m) => delete (m.summary as Json).splits,
    '"summary.splits" is missing',
  ],
  [
    'a negative row count',
    (m) => (((m.files as Json).edges as Json).rows = -1),
    '"files.edges.rows" is -1, not a row count',
  ],
  [
    'files.nodes null',
    (m) => ((m.files as Json).nodes = null),
    '"files.nodes" is null, not an object',
  ],
  [
    'a number for a SHA-256',
    (m) => (((m.files as Json).trainResampled as Json).sha256 = 7),
    '"files.trainResampled.sha256" is 7, not a SHA-256 in hex',
  ],
  [
    'a text for a column list',
    (m) => ((m.columns as Json).nodes = 'zz'),
    '"columns.nodes" is "zz", not a list',
  ],
  [
    'a feature without a name',
    (m) => delete (((m.features as Json).edge as Json[])[3] as Json).name,
    '"features.edge[3].name" is missing',
  ],
  // Trial O (session 20): inspect and an npy export refused this, a csv export and
  // readOutputs did not.
  [
    "the label role taken from train_resampled.arrow's y",
    (m) => {
      const y = ((m.columns as Json).trainResampled as Json[]).find((c) => c.name === 'y')!;
      y.role = 'feature:raw';
    },
    '"columns.trainResampled" has 0 columns of role "label", not one',
  ],
  [
    'a second source node_id column in edges.arrow',
    (m) => ((((m.columns as Json).edges as Json[])[2] as Json).role = 'source node_id'),
    '"columns.edges" has 2 columns of role "source node_id", not one',
  ],
  // Trial N (session 20): readers open the fixed names; another name was taken without a word.
  [
    'another file name for edges.arrow',
    (m) => (((m.files as Json).edges as Json).file = 'other.arrow'),
    '"files.edges.file" is "other.arrow", not "edges.arrow"',
  ],
  [
    'a negative size',
    (m) => (((m.files as Json).nodes as Json).bytes = -3),
    '"files.nodes.bytes" is -3, not a size in bytes',
  ],
  // Trial Q (session 21): a long value was cut at 40 characters without a mark.
  [
    'an upper-case SHA-256',
    (m) => {
      const file = (m.files as Json).edges as Json;
      file.sha256 = (file.sha256 as string).toUpperCase();
    },
    '"files.edges.sha256" is "',
  ],
  // Trial T (session 21): an npy export took x.npy's columns from these, with exit 0.
  [
    'a node feature made unscaled',
    (m) => {
      const f = ((m.features as Json).node as Json[])[0]!;
      f.scaled = false;
      f.normalized = null;
    },
    '"features.node[0].scaled" is false, not true',
  ],
  [
    'a node feature normalized as another',
    (m) => ((((m.features as Json).node as Json[])[0] as Json).normalized = 'total_sent_z'),
    '"features.node[0].normalized" is "total_sent_z", not "transaction_count_z"',
  ],
  [
    'a node feature removed',
    (m) => ((m.features as Json).node as Json[]).shift(),
    '"features.node" lists 20 features, not the 21 amlprep writes',
  ],
  [
    'an edge feature normalized as the edge id',
    (m) => ((((m.features as Json).edge as Json[])[0] as Json).normalized = 'edge_id'),
    '"features.edge[0].normalized" is "edge_id", not "hour_sin_z"',
  ],
  [
    'a continuous column made a flag',
    (m) => ((((m.columns as Json).nodes as Json[])[3] as Json).role = 'feature:flag'),
    '"columns.nodes[3].role" is "feature:flag", not "feature:continuous"',
  ],
  // Trial U (session 21): a multignn export copied edited code tables, with exit 0.
  [
    'two currencies swapped',
    (m) => {
      const list = (m.dictionaries as Record<string, string[]>).currency!;
      [list[0], list[1]] = [list[1]!, list[0]!];
    },
    '"dictionaries.currency[1]" is',
  ],
  [
    'a payment format renamed as another',
    (m) => {
      const list = (m.dictionaries as Record<string, string[]>).format!;
      list[1] = list[0]!;
    },
    '"dictionaries.format[1]" is',
  ],
  [
    'a text for a class weight',
    (m) => ((m.classWeights as Json)['1'] = '5'),
    '"classWeights.1" is "5", not a positive number',
  ],
  [
    'a cost multiplier the SPEC has not',
    (m) => ((m.summary as Json).multiplier = 20),
    '"summary.multiplier" is 20, not 10, 50 or 100',
  ],
  // Trial W (session 22): the scaler, split and typologies were handed on as edited.
  [
    'a scaler std of 0',
    (m) => ((((m.scaler as Json).edge as Json).std as number[])[3] = 0),
    '"scaler.edge.std[3]" is 0, not a positive number',
  ],
  [
    'a scaler mean dropped',
    (m) => (((m.scaler as Json).node as Json).mean as number[]).pop(),
    '"scaler.node.mean" lists 16 values, not one for each of the 17 scaled features',
  ],
  [
    "two features' statistics swapped",
    (m) => {
      const names = ((m.scaler as Json).node as Json).names as string[];
      [names[0], names[1]] = [names[1]!, names[0]!];
    },
    '"scaler.node.names[0]" is "total_sent", not "transaction_count"',
  ],
  [
    'a split share dropped',
    (m) => (((m.split as Json).shares as string[]).length = 2),
    '"split.shares" is ["0.6","0.2"], not three texts',
  ],
  [
    'a number for a typology',
    (m) => ((m.typologies as unknown[])[0] = 3),
    '"typologies[0]" is 3, not a text',
  ],
  [
    'a minority label of 2',
    (m) => (((m.summary as Json).resampled as Json).minorityLabel = 2),
    '"summary.resampled.minorityLabel" is 2, not 0 or 1',
  ],
  // Trial Y (session 22): values of the right type that contradict each other.
  [
    'cut days swapped',
    (m) => ((m.split as Json).cutDays = [4, 3]),
    '"split.cutDays" is [4,3], not two days in order within its 5',
  ],
  [
    'shares other than the options',
    (m) => ((m.split as Json).shares = ['0.5', '0.3', '0.2']),
    '"split.shares" is ["0.5","0.3","0.2"], but the options record the split "0.6,0.2,0.2"',
  ],
  [
    'a mean outside its min and max',
    (m) => ((((m.scaler as Json).edge as Json).mean as number[])[0] = 5),
    '"scaler.edge" holds hour_sin with mean 5, min -1 and max 0.8660254037844387: not ' +
      'statistics of one column',
  ],
  [
    'a scaler fitted on other rows',
    (m) => (((m.scaler as Json).node as Json).fitted = 12),
    '"scaler.node.fitted" is 12, not the 11 rows it is fitted on',
  ],
  [
    'the majority named the minority',
    (m) => (((m.summary as Json).resampled as Json).minorityLabel = 0),
    '"summary.resampled.minorityLabel" is 0, but the train split\'s 8/4 edges of class 0/1 ' +
      'make it 1',
  ],
  // Trial AA (session 23): inspect warned of these twice, as a problem of
  // train_resampled.arrow, and exited 0; the other readers refused them.
  [
    'an imbalance amlprep does not know',
    (m) => ((m.options as Json).imbalance = 'SMOTE'),
    'the options record the imbalance "SMOTE", not smote, undersample, none',
  ],
  [
    'a text for the SMOTE ratio',
    (m) => ((m.options as Json).smoteRatio = '1'),
    'the options record the SMOTE ratio "1", not a number',
  ],
  // Trial AA: a day no calendar has passed as a date.
  [
    'the first day on 30 February',
    (m) => ((m.split as Json).firstDay = '2022-02-30'),
    '"split.firstDay" is "2022-02-30", not a date YYYY-MM-DD',
  ],
  // Trial BB: shares summing to 0.99, in the options too, and a typology count of a name the
  // list does not hold, at 0, were handed on.
  [
    'split shares summing to 0.99',
    (m) => {
      (m.split as Json).shares = ['0.6', '0.2', '0.19'];
      (m.options as Json).split = '0.6,0.2,0.19';
    },
    '"split.shares" is ["0.6","0.2","0.19"], not three positive decimals summing to 1',
  ],
  [
    'the split recorded as a list in the options',
    (m) => ((m.options as Json).split = [0.6, 0.2, 0.2]),
    '"split.shares" is ["0.6","0.2","0.2"], but the options record the split [0.6,0.2,0.2]',
  ],
  [
    'a typology counted that is not listed',
    (m) => (((m.summary as Json).typologyCounts as Json).FOO = 0),
    '"summary.typologyCounts" counts "FOO", which "typologies" does not list',
  ],
  [
    'a listed typology counted at 0',
    (m) => (((m.summary as Json).typologyCounts as Json)['FAN-OUT'] = 0),
    '"summary.typologyCounts" counts "FAN-OUT" at 0; amlprep counts the typologies that have edges',
  ],
  [
    'a number for the transactions path',
    (m) => (((m.inputs as Json).transactions as Json).path = 3),
    '"inputs" is',
  ],
];

describe('a manifest.json edited into another shape', () => {
  let runDir = '';
  let original = '';

  beforeAll(async () => {
    runDir = sharedDir();
    await runMixedFixture(runDir);
    original = readFileSync(join(runDir, 'manifest.json'), 'utf8');
  });

  it('marks a value it shows cut short with an ellipsis', () => {
    const manifest = JSON.parse(original) as { files: { edges: Json } };
    const hash = (manifest.files.edges.sha256 as string).toUpperCase();
    manifest.files.edges.sha256 = hash;

    expect(manifestShapeProblem(manifest)).toBe(
      `"files.edges.sha256" is "${hash.slice(0, 39)}…, not a SHA-256 in hex`,
    );
  });

  it('passes as amlprep wrote it', () => {
    expect(manifestShapeProblem(JSON.parse(original))).toBeNull();
  });

  // CLI trial (session 17): a manifest of `[]` or `null` was said to be `"" is []`.
  it.each([
    [[], 'the whole file is [], not an object'],
    [null, 'the whole file is null, not an object'],
  ])('names the whole file when it is %j', (value, message) => {
    expect(manifestShapeProblem(value)).toBe(message);
  });

  // Trial C (session 17): showing a value nested 8,000 deep overflowed the stack (exit 1).
  it('says a value nested too deep to show is not what it should be', () => {
    const manifest = JSON.parse(original) as Json;
    manifest.createdAt = JSON.parse(`${'['.repeat(8000)}${']'.repeat(8000)}`) as unknown;

    expect(manifestShapeProblem(manifest)).toBe(
      '"createdAt" is a value nested too deep to show, not a text',
    );
  });

  it.each(EDITS)('is refused by inspect, export and readOutputs: %s', async (_, edit, words) => {
    const dir = sharedDir();
    cpSync(runDir, dir, { recursive: true });
    const manifest = JSON.parse(original) as Json;
    edit(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const path = join(dir, 'manifest.json');

    for (const argv of [
      ['inspect', dir],
      ['export', dir, '--format', 'npy', '--out', join(dir, 'npy')],
      ['export', dir, '--format', 'multignn', '--out', join(dir, 'mg')],
    ]) {
      const io = bufferIo();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toContain(`amlprep: ${path}: ${words}`);
      expect(io.err().trim().split('\n')).toHaveLength(1);
    }
    await expect(readOutputs(dir)).rejects.toThrow(words);
  });
});

// Second fresh-user trial (session 15): an emptied code table was exported beside codes 0-14
// (multignn checked its two tables since). Trial U (session 21): a table cut short but still
// sorted, as dictionaries.bank, was handed on by every other reader. Every reader now checks
// each code column against its table as it reads the batches.
describe('a manifest.json whose code table is too short for the codes a file uses', () => {
  it.each([
    ['currency', 'edges.arrow'],
    ['format', 'edges.arrow'],
    ['bank', 'edges.arrow'],
    ['entity_type', 'nodes.arrow'],
  ])('is refused by every export and readOutputs: dictionaries.%s', async (name, fileName) => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const path = join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    const table = manifest.dictionaries[name]!;
    const file = join(runDir, fileName);
    const own = tableFromIPC(readFileSync(file));
    // The last code is used, so the table without its last name is too short.
    const codes = own.getChild(name)!.toArray() as Float64Array;
    expect(codes).toContain(table.length - 1);
    table.pop();
    writeFileSync(path, JSON.stringify(manifest));
    const said = new RegExp(
      `^${file}: row (\\d+) has ${name} (\\d+), not (-1 or )?one of the ${table.length} codes of ` +
        `dictionaries\\.${name} \\(manifest\\.json\\); not this run's file, or the code ` +
        'table was edited$',
    );
    // The row named holds the code named, which is past the end of the table.
    const named = (message: string) => {
      const [, row, code] = said.exec(message)!;
      expect(codes[Number(row)]).toBe(Number(code));
      expect(Number(code)).toBe(table.length);
    };

    // A multignn export reads edges.arrow only.
    const formats = fileName === 'edges.arrow' ? ['npy', 'csv', 'multignn'] : ['npy', 'csv'];
    for (const message of await exportRefusals(runDir, formats)) named(message);
    const error = await readOutputs(runDir).catch((e: Error) => e);
    named((error as Error).message);
    // train_resampled.arrow holds the edges' currency and format codes too, and is warned of.
    const report = await inspectRun(runDir);
    const warnings = report.warnings.filter((w) => w.startsWith(`${file}: `));
    expect(warnings).toHaveLength(1);
    named(warnings[0]!);
  });
});

// Trial N (session 20): a row count of 10^12 in manifest.json made a multignn export size
// its arrays by it before reading a batch: "internal error", RangeError, a stack trace.
describe('a manifest.json whose row count is more than the file could hold', () => {
  it.each(['npy', 'csv', 'multignn'])('stops a %s export before it makes a folder', async (f) => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const path = join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    writeFileSync(path, JSON.stringify(withEdgeRows(manifest, 1e12)));
    const bytes = statSync(join(runDir, 'edges.arrow')).size;
    const target = join(runDir, 'exported');
    const io = bufferIo();

    const code = await main(['export', runDir, '--format', f, '--out', target], io);

    expect(code).toBe(2);
    expect(io.err()).toBe(
      `amlprep: manifest.json says ${join(runDir, 'edges.arrow')} has 1000000000000 rows, ` +
        `more than its ${bytes} bytes could hold; the manifest was edited or belongs to ` +
        `another run\n`,
    );
    expect(existsSync(target)).toBe(false);
  });
});

// Trial O (session 20): a column's type edited in manifest.json (src as utf8) was read by
// every reader without a word; a file whose schema differs in a type is refused alike.
describe('a manifest.json whose column type differs from the file', () => {
  it('is refused by inspect, every export and readOutputs, naming the file', async () => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const path = join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { columns: { edges: Json[] } };
    manifest.columns.edges[1]!.type = 'utf8';
    writeFileSync(path, JSON.stringify(manifest));
    const words =
      `${join(runDir, 'edges.arrow')}: column 2 (src) is of type int32, but manifest.json ` +
      `lists utf8`;

    for (const format of ['npy', 'csv', 'multignn']) {
      const io = bufferIo();
      const argv = ['export', runDir, '--format', format, '--out', join(runDir, format)];
      expect(await main(argv, io), format).toBe(2);
      expect(io.err()).toBe(`amlprep: ${words}\n`);
    }
    const io = bufferIo();
    expect(await main(['inspect', runDir], io)).toBe(2);
    expect(io.err()).toBe(`amlprep: ${words}\n`);
    await expect(readOutputs(runDir)).rejects.toThrow(words);
  });
});

// Trial N (session 20): the manifest's size of a file was not compared with the file, and
// readOutputs (without `verify`, so without a hash) returned whatever still decoded.
describe('an output file of another size than manifest.json says', () => {
  it('is refused by every export and readOutputs, and warned of by inspect', async () => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const path = join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, Json> };
    const bytes = statSync(join(runDir, 'nodes.arrow')).size;
    manifest.files.nodes!.bytes = bytes + 8;
    writeFileSync(path, JSON.stringify(manifest));
    const words =
      `${join(runDir, 'nodes.arrow')}: ${bytes} bytes, not the ${bytes + 8} in manifest.json; ` +
      `the file was changed`;

    for (const format of ['npy', 'csv']) {
      const io = bufferIo();
      const argv = ['export', runDir, '--format', format, '--out', join(runDir, format)];
      expect(await main(argv, io), format).toBe(2);
      expect(io.err()).toBe(`amlprep: ${words}\n`);
      expect(existsSync(join(runDir, format))).toBe(false);
    }
    await expect(readOutputs(runDir)).rejects.toThrow(words);
    await expect(readOutputs(runDir, { verify: true })).rejects.toThrow(words);
    const io = bufferIo();
    expect(await main(['inspect', runDir], io)).toBe(0);
    expect(io.err()).toBe(`warning: ${words}\n`);
  });
});

// Trial Q (session 21): another run's edges.arrow, with its size, rows and hash edited into
// this run's manifest, was exported with node ids past the end of this run's nodes.
describe("another run's edges.arrow beside this run's nodes, its entry edited in", () => {
  it('is refused by every export and readOutputs, and warned of by inspect', async () => {
    const small = sharedDir();
    await runMixedFixture(small);
    const big = sharedDir();
    await run(sampleRunOptions(big));
    cpSync(join(big, 'edges.arrow'), join(small, 'edges.arrow'));
    const path = join(small, 'manifest.json');
    const bigManifest = JSON.parse(readFileSync(join(big, 'manifest.json'), 'utf8')) as Manifest;
    const own = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    // Its summary edited alike: a manifest that disagrees with itself is refused before this.
    const manifest = withEdgeRows(own, bigManifest.files.edges.rows);
    manifest.files.edges = bigManifest.files.edges;
    writeFileSync(path, JSON.stringify(manifest));
    const nodes = manifest.files.nodes.rows;
    const edges = (await readOutputs(big)).edges;
    const file = join(small, 'edges.arrow');
    const said = new RegExp(
      `^${file}: row (\\d+) has (src|dst) (\\d+), not one of the ${nodes} node ids ` +
        `\\(manifest\\.json\\); not this run's file$`,
    );
    // The id named is the file's own at that row, and names no node of this run.
    const named = (message: string) => {
      const [, row, column, id] = said.exec(message)!;
      expect(edges.getChild(column!)!.get(Number(row))).toBe(Number(id));
      expect(Number(id)).toBeGreaterThanOrEqual(nodes);
    };

    for (const format of ['npy', 'csv', 'multignn']) {
      const io = bufferIo();
      const argv = ['export', small, '--format', format, '--out', join(small, format)];
      expect(await main(argv, io), format).toBe(2);
      named(
        io
          .err()
          .replace(/^amlprep: /, '')
          .trimEnd(),
      );
    }
    const error = await readOutputs(small, { verify: true }).catch((e: Error) => e);
    named((error as Error).message);
    const report = await inspectRun(small);
    const warning = report.warnings.find((w) => w.includes('node ids'))!;
    named(warning);
  }, 60_000);
});

// Trial S (session 21): another run's edges.arrow, only its own entry edited into this run's
// manifest, with node ids in range, was exported beside this run's nodes (exit 0); the
// manifest's summary still said this run's edge count. inspect warned of it; now every reader
// that hands the files on refuses a manifest that disagrees with itself.
describe('a manifest.json whose row counts disagree with its summary', () => {
  it.each([
    ['files.edges.rows', (m: Manifest) => (m.files.edges.rows += 1), '"summary.edges" says'],
    ['files.nodes.rows', (m: Manifest) => (m.files.nodes.rows -= 1), '"summary.nodes" says'],
    [
      'files.trainResampled.rows',
      (m: Manifest) => (m.files.trainResampled.rows += 2),
      '"summary.resampled.rows" says',
    ],
    ['summary.splits', (m: Manifest) => (m.summary.splits.test[1] += 1), 'the "summary.splits"'],
  ])('is refused by every export and readOutputs: %s', async (_, edit, words) => {
    const { runDir, path } = await editedMixedRun(edit);
    const said = new RegExp(
      `^${path}: "files\\.\\w+\\.rows" is \\d+, but ${words.replace(/[.]/g, '\\.')}` +
        '.*; not a manifest amlprep wrote, or edited since$',
    );

    for (const message of await exportRefusals(runDir)) expect(message).toMatch(said);
    const error = await readOutputs(runDir).catch((e: Error) => e);
    expect((error as Error).message).toMatch(said);
  });
});

/** SPEC §8 worked out here: balanced weights n / (2 · count), times 100, 50 or 10. */
function specWeights([zeros, ones]: [number, number]): [number, number, number] {
  const minority = Math.min(zeros, ones);
  let multiplier = 10;
  if (minority < 100) multiplier = 50;
  if (minority < 10) multiplier = 100;
  const n = zeros + ones;
  return [(multiplier * n) / (2 * zeros), (multiplier * n) / (2 * ones), multiplier];
}

// Trial U (session 21): the class weights, which callers take from the manifest for their
// loss, were handed on as edited; inspect did not compare summary.resampled.rows with the file.
describe("a manifest.json whose class weights disagree with the train split's counts", () => {
  it('lists the weights amlprep computes from the counts, before any edit', async () => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    const [w0, w1, multiplier] = specWeights(manifest.summary.splits.train);

    for (const weights of [manifest.classWeights, manifest.summary.classWeights]) {
      expect(weights['0']).toBeCloseTo(w0, 12);
      expect(weights['1']).toBeCloseTo(w1, 12);
    }
    expect(manifest.summary.multiplier).toBe(multiplier);
  });

  it.each([
    ['classWeights.1', (m: Manifest) => (m.classWeights['1'] *= 2)],
    ['summary.classWeights.0', (m: Manifest) => (m.summary.classWeights['0'] += 1)],
    [
      'summary.multiplier',
      (m: Manifest) => (m.summary.multiplier = m.summary.multiplier === 10 ? 50 : 10),
    ],
  ])('is refused by every export and readOutputs, warned of by inspect: %s', async (name, edit) => {
    // The edits leave the train counts as they are.
    const { runDir, path, manifest } = await editedMixedRun(edit);
    const [zeros, ones] = manifest.summary.splits.train;
    const problem =
      `"${name.replace(/[.]/g, '\\.')}" is [\\d.]+, but the train split's ` +
      `${zeros}/${ones} edges of class 0/1 give [\\d.]+`;

    for (const message of await exportRefusals(runDir)) {
      expect(message).toMatch(new RegExp(`^${path}: ${problem}; not a manifest amlprep`));
    }
    const error = await readOutputs(runDir).catch((e: Error) => e);
    expect((error as Error).message).toMatch(new RegExp(`^${path}: ${problem}`));
    const report = await inspectRun(runDir);
    expect(report.warnings).toEqual([
      expect.stringMatching(new RegExp(`^class weights: ${problem}$`)),
    ]);
  });

  it('is warned of by inspect when summary.resampled.rows alone was edited', async () => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const path = join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    const rows = manifest.files.trainResampled.rows;
    manifest.summary.resampled.rows = rows + 5;
    writeFileSync(path, JSON.stringify(manifest));

    const report = await inspectRun(runDir);

    // The mixed fixture's train split: 8 edges of class 0, 4 of class 1; SMOTE adds 4.
    expect(manifest.summary.splits.train).toEqual([8, 4]);
    expect(report.warnings).toEqual([
      `summary.resampled.rows: manifest.json says ${rows + 5}, but its ` +
        `files.trainResampled.rows says ${rows}`,
      `resampled: "summary.resampled.rows" is ${rows + 5}, but SMOTE to ratio 1 of the train ` +
        "split's 8/4 edges of class 0/1 give 16",
    ]);
  });
});

// Trial Y (session 22): export and readOutputs compared the class weights with the manifest's
// own train counts only; one edge moved between the summary's splits, or weights edited to
// match moved counts, or a typology count or name edited, was handed on with exit 0.
describe("a manifest.json whose summary or split disagrees with edges.arrow's own", () => {
  it.each([
    [
      'an edge moved from validation to test',
      (m: Manifest) => {
        m.summary.splits.validation[0] -= 1;
        m.summary.splits.test[0] += 1;
      },
      /^validation: the file holds \d+\/\d+ edges of class 0\/1, manifest\.json's "summary/,
    ],
    [
      'train counts moved, the weights and SMOTE rows edited to match',
      (m: Manifest) => {
        const [zeros, ones] = m.summary.splits.train;
        m.summary.splits.train = [zeros, ones + 1];
        m.summary.splits.validation[1] -= 1;
        // One minority row more: SMOTE adds one fewer to reach the same majority.
        m.summary.resampled.synthetic -= 1;
        // The weights amlprep itself gives those counts, to the last bit.
        const { weights, multiplier } = weightsOfCounts(zeros, ones + 1);
        const [w0, w1] = weights;
        m.classWeights = { '0': w0, '1': w1 };
        m.summary.classWeights = { '0': w0, '1': w1 };
        m.summary.multiplier = multiplier;
        m.scaler.edge.fitted += 1;
      },
      /^train: the file holds \d+\/\d+ edges of class 0\/1/,
    ],
    [
      'a typology count',
      (m: Manifest) =>
        (m.summary.typologyCounts['CYCLE'] = (m.summary.typologyCounts['CYCLE'] ?? 0) + 1),
      /^typology CYCLE: the file holds \d+ edges, manifest\.json's "summary\.typologyCounts"/,
    ],
    [
      'a typology renamed in the list and its count',
      (m: Manifest) => {
        m.typologies = m.typologies.map((t) => (t === 'CYCLE' ? 'LOOP' : t));
        const { CYCLE, ...others } = m.summary.typologyCounts;
        m.summary.typologyCounts = { ...others, LOOP: CYCLE! };
      },
      /^typology CYCLE: in the file, not in manifest\.json's list/,
    ],
    // Trial Z (session 22): edits that kept the manifest consistent with itself.
    [
      // The file's codes index ['', 'FAN-OUT', 'CYCLE', 'SCATTER-GATHER'].
      'the typology list reordered',
      (m: Manifest) => (m.typologies = ['CYCLE', 'FAN-OUT', 'SCATTER-GATHER']),
      new RegExp(
        '^the file\'s typology code 1 stands for "FAN-OUT", manifest\\.json\'s "typologies" ' +
          'give it "CYCLE"',
      ),
    ],
    [
      'the cut days moved within the days',
      (m: Manifest) => (m.split.cutDays = [2, 4]),
      /^"split\.cutDays" is \[2,4\], but the file's rows per day give \[3,4\] for the shares/,
    ],
    [
      'the first day a day later',
      (m: Manifest) => (m.split.firstDay = '2022-09-02'),
      /^"split\.firstDay" is 2022-09-02, but the file's first day is 2022-09-01/,
    ],
    [
      'a day more',
      (m: Manifest) => (m.split.days += 1),
      /^"split\.days" is 6, but the file's timestamps span 5 days/,
    ],
  ])('is refused by every export and readOutputs: %s', async (_, edit, said) => {
    const { runDir } = await editedMixedRun(edit);
    const file = join(runDir, 'edges.arrow');
    const reason = (message: string) => {
      expect(message.startsWith(`${file}: `), message).toBe(true);
      expect(message.endsWith("; not this run's file, or edited since"), message).toBe(true);
      return message.slice(file.length + 2);
    };

    for (const message of await exportRefusals(runDir)) expect(reason(message)).toMatch(said);
    const error = await readOutputs(runDir, { verify: true }).catch((e: Error) => e);
    expect(reason((error as Error).message)).toMatch(said);
    // inspect tallies the files itself and warns.
    expect((await inspectRun(runDir)).warnings.length).toBeGreaterThan(0);
  });
});

// Trial T (session 21): a column dropped from the manifest's list was said to be listed as
// "null"; past the end of the shorter list, its length is said.
describe("a manifest.json whose column list is longer or shorter than the file's", () => {
  it.each([
    ['a column fewer', (list: Json[]) => list.pop()],
    ['a column more', (list: Json[]) => list.push({ name: 'extra', type: 'int8', role: 'x' })],
  ])('is refused naming where they part: %s', async (_, edit) => {
    const runDir = sharedDir();
    await runMixedFixture(runDir);
    const path = join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { columns: { edges: Json[] } };
    const names = manifest.columns.edges.map((c) => c.name as string);
    edit(manifest.columns.edges);
    writeFileSync(path, JSON.stringify(manifest));
    const file = join(runDir, 'edges.arrow');
    const n = names.length;

    const error = await readOutputs(runDir).catch((e: Error) => e);

    const fewer = `column ${n} is "${names[n - 1]}", but manifest.json lists only ${n - 1} columns`;
    const more = `has ${n} columns, but manifest.json lists ${n + 1} (column ${n + 1} is "extra")`;
    expect((error as Error).message).toBe(
      `${file}: ${manifest.columns.edges.length < n ? fewer : more}`,
    );
  });
});

// Trial Z (session 22): a scaler changed a little in the manifest, still consistent with
// itself (the mean within its min and max, std above 0), passed every reader.
describe("a manifest.json whose scaler is not the one the files' values were scaled by", () => {
  const number = '(-?[0-9.e+-]+)';
  /** The message for row 0 of feature `c`: its z, its raw value and the z the scaler gives. */
  const zPattern = (m: Manifest, kind: 'node' | 'edge', c: number) => {
    const { names, mean, std } = m.scaler[kind];
    return (
      `^row 0 has ${names[c]}_z ${number}, but its ${names[c]} ${number} and ` +
      `"scaler\\.${kind}" \\(mean ${mean[c]}, std ${std[c]}\\) give ${number}$`
    );
  };
  it.each([
    [
      'a node mean moved halfway to its max',
      'nodes',
      (m: Manifest) => {
        const s = m.scaler.node;
        s.mean[0] = (s.mean[0]! + s.max[0]!) / 2;
      },
      (m: Manifest) => zPattern(m, 'node', 0),
    ],
    [
      'an edge std doubled',
      'edges',
      (m: Manifest) => (m.scaler.edge.std[1]! *= 2),
      (m: Manifest) => zPattern(m, 'edge', 1),
    ],
    [
      'an edge min lowered',
      'edges',
      (m: Manifest) => (m.scaler.edge.min[0]! -= 1),
      (m: Manifest) => {
        const { names, min, max } = m.scaler.edge;
        return (
          `^"scaler\\.edge" holds ${names[0]} with min ${min[0]} and max ${max[0]}, but ` +
          `the file's train edges range from ${min[0]! + 1} to ${max[0]}$`
        );
      },
    ],
    [
      'a node max raised',
      'nodes',
      (m: Manifest) => (m.scaler.node.max[2]! += 1),
      (m: Manifest) => {
        const { names, min, max } = m.scaler.node;
        return (
          `^"scaler\\.node" holds ${names[2]} with min ${min[2]} and max ${max[2]}, but ` +
          `the file's nodes range from ${min[2]} to ${max[2]! - 1}$`
        );
      },
    ],
  ] as const)('is refused by every export and readOutputs: %s', async (_, name, edit, said) => {
    const { runDir, manifest } = await editedMixedRun(edit);
    const file = join(runDir, `${name}.arrow`);
    const reason = (message: string) => {
      expect(message.startsWith(`${file}: `), message).toBe(true);
      const suffix = "; not this run's file, or edited since";
      expect(message.endsWith(suffix), message).toBe(true);
      return message.slice(file.length + 2, -suffix.length);
    };
    const pattern = new RegExp(said(manifest));

    // A multignn export reads edges.arrow alone.
    const messages = await exportRefusals(runDir, name === 'nodes' ? ['npy', 'csv'] : undefined);
    const error = await readOutputs(runDir, { verify: true }).catch((e: Error) => e);
    const warnings = (await inspectRun(runDir)).warnings;

    // The package's class, of the input code, with the reason apart from the file's path.
    expect(error).toBeInstanceOf(UnreadableOutputError);
    expect((error as UnreadableOutputError).code).toBe('ERR_AMLPREP_INPUT');
    expect((error as Error).message).toBe(`${file}: ${(error as UnreadableOutputError).reason}`);

    for (const message of [...messages, (error as Error).message]) {
      const found = pattern.exec(reason(message));
      expect(found, message).not.toBeNull();
      // z, x, then the z the manifest gives: (x − mean) / std, worked out here again.
      if (found!.length === 4) {
        const [z, x, want] = found!.slice(1).map(Number);
        const s = name === 'nodes' ? manifest.scaler.node : manifest.scaler.edge;
        const c = name === 'nodes' ? 0 : 1;
        expect(want).toBe((x! - s.mean[c]!) / s.std[c]!);
        expect(z).not.toBe(want);
      }
    }
    expect(
      warnings.some((w) => w.startsWith(`${file}: `) && pattern.test(w.slice(file.length + 2))),
    ).toBe(true);
  });
});

// Trial Z (session 22): summary.resampled's synthetic rows and k, or the options they come
// from, edited alone, were handed on beside a train_resampled.arrow they do not describe.
describe('a manifest.json whose resampling is not what its options make of the train split', () => {
  /** The train split's minority and majority counts, and the SMOTE rows a ratio adds. */
  const train = (m: Manifest) => {
    const [zeros, ones] = m.summary.splits.train;
    const [minority, majority] = ones <= zeros ? [ones, zeros] : [zeros, ones];
    return { minority, majority, of: `the train split's ${zeros}/${ones} edges of class 0/1` };
  };
  it.each([
    [
      'one synthetic row more',
      (m: Manifest) => (m.summary.resampled.synthetic += 1),
      // Ratio 1: as many minority rows as majority ones, ceil(1 · majority) − minority added.
      (m: Manifest) => {
        const { minority, majority, of } = train(m);
        const said = m.summary.resampled.synthetic;
        const [want, ratio] = [majority - minority, 'SMOTE to ratio 1'];
        return `"summary.resampled.synthetic" is ${said}, but ${ratio} of ${of} give ${want}`;
      },
    ],
    [
      'k of 1',
      (m: Manifest) => (m.summary.resampled.k = 1),
      (m: Manifest) =>
        `"summary.resampled.k" is 1, but SMOTE to ratio 1 of ${train(m).of} give ` +
        `${Math.min(3, train(m).minority - 1)}`,
    ],
    [
      'the ratio made 0.5',
      (m: Manifest) => (m.options.smoteRatio = 0.5),
      (m: Manifest) => {
        const { minority, majority, of } = train(m);
        const said = m.summary.resampled.synthetic;
        const want = Math.max(0, Math.ceil(majority / 2) - minority);
        const ratio = 'SMOTE to ratio 0.5';
        return `"summary.resampled.synthetic" is ${said}, but ${ratio} of ${of} give ${want}`;
      },
    ],
    [
      'no resampling said',
      (m: Manifest) => (m.options.imbalance = 'none'),
      (m: Manifest) =>
        `"summary.resampled.synthetic" is ${m.summary.resampled.synthetic}, but ` +
        `${train(m).of} without resampling give 0`,
    ],
  ])('is refused by every export and readOutputs: %s', async (_, edit, said) => {
    const { runDir, path, manifest } = await editedMixedRun(edit);
    const message = said(manifest);
    const refused = `${path}: ${message}; not a manifest amlprep wrote, or edited since`;

    for (const refusal of await exportRefusals(runDir)) expect(refusal).toBe(refused);
    const error = await readOutputs(runDir).catch((e: Error) => e);
    expect((error as Error).message).toBe(refused);
    expect((await inspectRun(runDir)).warnings).toContain(`resampled: ${message}`);
  });
});
