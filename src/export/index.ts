import { join, resolve } from 'node:path';

import { makeOutputFolder } from '../checkpoint/folder.js';
import { OptionError } from '../errors.js';
import { readManifest } from '../read-outputs.js';
import { removeEmptyFolder, trackFolders, untrackFolders } from '../temp-files.js';
import { exportCsv } from './export-csv.js';
import { exportMultiGnn, type AmountSource, type MultiGnnOptions } from './export-multignn.js';
import { exportNpy } from './export-npy.js';

export const EXPORT_FORMATS = ['npy', 'csv', 'multignn'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportOptions = MultiGnnOptions;
export type { AmountSource };

export interface ExportResult {
  format: ExportFormat;
  /** The folder written to. */
  out: string;
  /** Every file written, in the order written. */
  files: string[];
  /** How choices were made (for example where amounts came from). */
  notes: string[];
}

/**
 * Converts the outputs of a finished run in `dir` to another format, in `out` (default:
 * `<dir>/<format>`). Each file appears whole or not at all. Rejects with an `OptionError` for
 * an unknown format, an `InputError` when `dir` holds no finished run and an `OutputError`
 * when the target folder cannot be created.
 */
export async function exportRun(
  dir: string,
  format: ExportFormat,
  out?: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new OptionError(
      `format must be one of ${EXPORT_FORMATS.join(', ')}, got ` + `${JSON.stringify(format)}`,
    );
  }
  if (options.amounts !== undefined && !['source', 'derived'].includes(options.amounts)) {
    throw new OptionError(
      `options.amounts must be 'source' or 'derived', got ` + `${JSON.stringify(options.amounts)}`,
    );
  }
  const manifest = readManifest(dir);
  const target = resolve(out ?? join(dir, format));
  // A read-only folder, or a file in the way, is the user's to fix: one line naming the
  // folder and the reason (an OutputError), not an internal fault.
  const made = makeOutputFolder(target);
  // A signal that ends the CLI meanwhile removes them too, while they are empty.
  trackFolders(made);

  try {
    switch (format) {
      case 'npy':
        return { format, out: target, files: await exportNpy(dir, manifest, target), notes: [] };
      case 'csv':
        return { format, out: target, files: await exportCsv(dir, manifest, target), notes: [] };
      case 'multignn':
        return { format, out: target, ...(await exportMultiGnn(dir, manifest, target, options)) };
    }
  } catch (error) {
    // A refusal (a changed --transactions file, a file of another run) leaves none of the
    // empty folders it made; rmdir removes nothing that holds a file.
    for (const folder of [...made].reverse()) if (!removeEmptyFolder(folder)) break;
    throw error;
  } finally {
    untrackFolders(made);
  }
}
