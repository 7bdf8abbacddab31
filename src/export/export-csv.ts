import { join } from 'node:path';

import { TimeUnit, Type, type Data, type RecordBatch, type Timestamp } from 'apache-arrow';

import { InputError } from '../errors.js';
import type { Manifest } from '../output/manifest.js';
import { OUTPUT_FILES, type OutputName } from '../output/outputs.js';
import { outputBatches } from '../read-outputs.js';
import { AtomicFile, commitAfter, type KeptFiles } from './atomic-file.js';
import { columnData, i64AsNumbers } from './batch-columns.js';

/**
 * `export --format csv`: nodes.csv, edges.csv and train_resampled.csv, one per Arrow file,
 * with the same columns in the same order. Numbers are written in the shortest form that
 * reads back to the same double; timestamps as ISO 8601 UTC (`2022-09-01T00:08:00Z`);
 * dictionary columns as their text. Fields are quoted only when they hold `,`, `"` or a
 * line break (RFC 4180); lines end with `\n`.
 */
export async function exportCsv(
  dir: string,
  manifest: Manifest,
  out: string,
  keep?: KeptFiles,
  signal: AbortSignal | null = null,
): Promise<string[]> {
  const names = Object.keys(OUTPUT_FILES) as OutputName[];
  const files = names.map((name) => new AtomicFile(join(out, csvName(name)), keep));
  await commitAfter(files, async () => {
    for (const [i, name] of names.entries()) await writeCsv(dir, manifest, name, files[i]!, signal);
  });
  return files.map((f) => f.path);
}

const BLOCK_ROWS = 8_192;

export function csvName(name: OutputName): string {
  return OUTPUT_FILES[name].replace(/\.arrow$/, '.csv');
}

async function writeCsv(
  dir: string,
  manifest: Manifest,
  name: OutputName,
  file: AtomicFile,
  signal: AbortSignal | null,
): Promise<void> {
  const columns = manifest.columns[name].map((c) => c.name);
  file.write(`${columns.map(csvField).join(',')}\n`);
  for await (const batch of outputBatches(dir, manifest, name, { verify: true, signal })) {
    const cells = columns.map((column) => cellWriter(batch, column));
    // Blocks of rows keep the text in memory small next to a 1 M-row batch.
    for (let from = 0; from < batch.numRows; from += BLOCK_ROWS) {
      const lines: string[] = [];
      const row: string[] = new Array<string>(cells.length);
      for (let i = from; i < Math.min(batch.numRows, from + BLOCK_ROWS); i++) {
        for (let c = 0; c < cells.length; c++) row[c] = cells[c]!(i);
        lines.push(row.join(','));
      }
      file.write(`${lines.join('\n')}\n`);
    }
  }
}

/** Text of row `i` of one column of a batch, chosen once per column by its Arrow type. */
function cellWriter(batch: RecordBatch, column: string): (i: number) => string {
  const data = columnData(batch, column);
  switch (data.typeId) {
    case Type.Float:
    case Type.Int: {
      const values = isInt64(data)
        ? i64AsNumbers(batch, column)
        : (data.values as Float64Array | Int32Array | Int8Array).subarray(
            data.offset,
            data.offset + data.length,
          );
      return (i) => formatNumber(values[i]!);
    }
    case Type.Timestamp: {
      if ((data.type as Timestamp).unit !== TimeUnit.SECOND) break;
      const seconds = i64AsNumbers(batch, column);
      return (i) => `${new Date(seconds[i]! * 1000).toISOString().slice(0, 19)}Z`;
    }
    case Type.Dictionary: {
      const codes = (data.values as Int32Array).subarray(data.offset, data.offset + data.length);
      const text = [...data.dictionary!].map((v) => csvField(String(v)));
      return (i) => text[codes[i]!]!;
    }
    case Type.Utf8: {
      const vector = batch.getChild(column)!;
      return (i) => csvField(String(vector.get(i)));
    }
    default:
      break;
  }
  throw new InputError(`column "${column}": no CSV form for Arrow type ${String(data.type)}`);
}

function isInt64(data: Data): boolean {
  return data.values instanceof BigInt64Array;
}

/** Shortest round-trip text; non-finite values as pandas and NumPy read them. */
export function formatNumber(x: number): string {
  if (Object.is(x, -0)) return '-0';
  if (Number.isFinite(x)) return String(x);
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
