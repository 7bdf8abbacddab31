import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { basename, join } from 'node:path';

import { CheckpointError, InputError, OptionError } from '../errors.js';
import { kindOf } from '../file-kind.js';
import { realPathOf } from '../real-path.js';
import { REJECTED_ROWS_FILE } from '../output/rejected-rows.js';
import { SPILL_FILE } from '../spill/edge-spill.js';
import { LOCK_FILE } from './lock.js';
import { CheckpointStore, STORE_FILE } from './store.js';
import { manifestShapeProblem } from '../output/manifest-shape.js';
import { OUTPUT_FILES } from '../output/outputs.js';
import { MANIFEST_FILE } from '../output/manifest-file.js';

/**
 * Output names are common words (nodes.arrow, manifest.json): a folder is taken for amlprep's
 * only when it holds a checkpoint store or a manifest that amlprep wrote (a file merely named
 * checkpoints.mdb does not count).
 */
export function isAmlprepFolder(dir: string): boolean {
  // A damaged LMDB store counts: its manifest may be gone too, and the run's message for it
  // sends the user to --fresh and `clean`, which refused such a folder (a trial's).
  return CheckpointStore.isOurs(dir) || ourManifest(dir) || CheckpointStore.isDamaged(dir);
}

/**
 * Output files of a run that never finished: the folder's store is amlprep's, but no
 * manifest of amlprep's describes them (a first run stopped by a full disk or a kill while
 * `graph_created` renamed its files into place, or one that wrote its rejects list and
 * stopped before its end). Once the store is gone nothing would show they are amlprep's, and
 * every later run would refuse the folder. A damaged store counts as amlprep's here: `clean`
 * removing it alone left the folder refused by every run and by `clean --outputs` (a trial).
 */
export function unfinishedOutputs(dir: string): string[] {
  if (ourManifest(dir)) return [];
  if (!CheckpointStore.isOurs(dir) && !CheckpointStore.isDamaged(dir)) return [];
  const names = [...Object.values(OUTPUT_FILES), REJECTED_ROWS_FILE];
  return names.filter((name) => isFile(dir, name));
}

/**
 * Files under amlprep's output or scratch names in a folder that is not amlprep's. Scratch
 * is removed by a run in its own folder; in another one, a file there is someone else's (a
 * trial's `edge-features.spill` in a new folder was deleted without a word).
 */
export function foreignOutputs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found = [...OUTPUT_NAMES, ...SCRATCH_NAMES].filter((name) => isFile(dir, name));
  if (!isLmdbLock(join(dir, `${STORE_FILE}-lock`))) found.push(`${STORE_FILE}-lock`);
  // Checked only when there is something to protect: it opens the store.
  return found.length > 0 && !isAmlprepFolder(dir) ? found : [];
}

/** The first bytes of an LMDB lock file: MDB_MAGIC, 0xBEEFC0DE, little-endian. */
const LMDB_LOCK_MAGIC = Buffer.from([0xde, 0xc0, 0xef, 0xbe]);

/**
 * Whether the file at `path` could be LMDB's lock file (or there is none): empty, as LMDB
 * makes it, or starting with its magic. A user's file there was overwritten (trial HH).
 */
function isLmdbLock(path: string): boolean {
  if (lstatIfAny(path)?.isFile() !== true) return true;
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, head, 0, 4, 0);
    return n === 0 || head.subarray(0, n).equals(LMDB_LOCK_MAGIC.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** Files at the scratch names of `dir` (links too): a killed run's, or someone else's. */
export function scratchFiles(dir: string): string[] {
  return SCRATCH_NAMES.filter((name) => lstatIfAny(join(dir, name)) !== undefined);
}

/** Names a run writes in its folder: another program's file there is not replaced. */
export const OUTPUT_NAMES = [...Object.values(OUTPUT_FILES), MANIFEST_FILE, REJECTED_ROWS_FILE];

/** The temporary names outputs are written under before they are renamed into place. */
const TEMP_NAMES = OUTPUT_NAMES.map((name) => `${name}.tmp`);

/** Files a run makes in its folder and removes: never read by a later run. */
const SCRATCH_NAMES = [...TEMP_NAMES, SPILL_FILE];

/** Every name amlprep opens in an output folder. */
const FOLDER_NAMES = [
  ...OUTPUT_NAMES,
  ...TEMP_NAMES,
  LOCK_FILE,
  STORE_FILE,
  `${STORE_FILE}-lock`,
  SPILL_FILE,
];

/**
 * Removes what an earlier run left at the scratch names of its folder `dir` (a link goes,
 * never what it names), for the run's note: trial GG saw them go without a word. Folders
 * there were refused before (refuseSpecialFiles). Returns the names removed.
 */
export function removeLeftoverScratch(dir: string): string[] {
  const removed = leftoverScratch(dir);
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
}

/** What `removeLeftoverScratch` would remove, for `--dry-run` to say (trial KK). */
export function leftoverScratch(dir: string): string[] {
  return SCRATCH_NAMES.filter((name) => {
    const stats = lstatIfAny(join(dir, name));
    return stats !== undefined && !stats.isDirectory();
  });
}

/** Whether a run keeps a file of that name in its folder (outputs, scratch, locks, store). */
export function isRunFolderName(name: string): boolean {
  return FOLDER_NAMES.includes(name);
}

/**
 * Refuses a folder holding, under a name amlprep opens there, what it cannot use as that file:
 * a FIFO, a socket or a device (or a link to one): opening a FIFO waits for a writer inside
 * the system call, where no signal handler runs, so a command hung deaf to Ctrl-C; a device
 * would be read or replaced as if it were a file. Also a symbolic link where a file is kept
 * in place, and a folder where one is opened (below). Every command that opens the output
 * folder checks first; `writing` is a run's check, which covers the files it writes too;
 * `locking` is for a command that takes the run's lock (`clean`).
 */
export function refuseSpecialFiles(
  dir: string,
  how: { writing?: boolean; locking?: boolean; reading?: boolean } = {},
): void {
  // A reader of outputs refuses what it reads as input; the store's commands, as a store.
  const refused = (message: string) =>
    how.reading === true ? new InputError(message) : new CheckpointError(message);
  const folderless =
    how.writing === true
      ? WRITTEN_NAMES
      : [`${STORE_FILE}-lock`, ...(how.locking === true ? [LOCK_FILE] : [])];
  // Only a run can go to another folder; `clean` or `status` of this one cannot (trial FF).
  const away = how.writing === true ? 'move it away or choose another folder' : 'move it away';
  for (const name of FOLDER_NAMES) {
    const path = join(dir, name);
    const link = lstatIfAny(path);
    // The store, its lock and the run's lock are opened where they are named:
    // through a link, even a dangling one, a run would keep its store elsewhere (or share
    // another folder's, which LMDB's per-folder lock does not guard), and a read-only
    // `status` would create a lock file elsewhere. Outputs replace a link by a rename.
    if (link?.isSymbolicLink() === true && IN_PLACE_NAMES.includes(name)) {
      throw refused(`${path} is a symbolic link; amlprep keeps its own file there: ${away}`);
    }
    const stats = statIfAny(path);
    if (stats === undefined || stats.isFile()) continue;
    // A folder at checkpoints.mdb-lock crashes LMDB (SIGSEGV) in any command that opens the
    // store; at the names a run writes besides its outputs, it failed the run at its end.
    // (Under an output's name a folder has its own message, refuseForeignOutputs; one named
    // checkpoints.mdb its own rule, removed only when empty; `clean` never removes folders.)
    if (stats.isDirectory() && !folderless.includes(name)) continue;
    throw refused(
      `${path} is ${kindOf(stats)}, not a file; amlprep opens a file of that name there: ` + away,
    );
  }
}

const IN_PLACE_NAMES = [LOCK_FILE, STORE_FILE, `${STORE_FILE}-lock`];

/** Files a run writes besides its outputs, where a folder would stop it at its end. */
const WRITTEN_NAMES = [
  REJECTED_ROWS_FILE,
  SPILL_FILE,
  LOCK_FILE,
  `${STORE_FILE}-lock`,
  ...TEMP_NAMES,
];

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function isFolder(dir: string, name: string): boolean {
  const path = join(dir, name);
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Refuses a folder that is not amlprep's but holds files under the output names: those are
 * someone else's, and a run would replace them.
 */
export function refuseForeignOutputs(dir: string): void {
  refuseSpecialFiles(dir, { writing: true });
  // A folder under an output's name would fail the run at its very end (EISDIR).
  const folders = OUTPUT_NAMES.filter((name) => isFolder(dir, name));
  if (folders.length > 0) {
    throw new CheckpointError(
      `${dir}: ${folders.join(', ')} ${folders.length === 1 ? 'is a folder' : 'are folders'}, ` +
        'where the run writes a file of that name; choose another output folder or move it away',
    );
  }
  const found = foreignOutputs(dir);
  if (found.length === 0) return;
  throw new CheckpointError(
    `${dir}: holds ${found.join(', ')} that amlprep did not write (no amlprep checkpoint ` +
      `store, no ${MANIFEST_FILE} written by amlprep); choose another output folder or move ` +
      'them away',
  );
}

/**
 * Refuses an input file that is one of the files the run writes in `dir`: it would be
 * replaced by the run's own output (a `rejected_rows.csv` given back as the transactions file
 * was overwritten by the list of its own bad rows), or removed as scratch, or overwritten as a
 * lock (trial GG lost inputs at `edges.arrow.tmp` and `amlprep.lock` without a word).
 */
export function refuseInputsAmongOutputs(inputs: Record<string, string | null>, dir: string) {
  const outputs = new Set(FOLDER_NAMES.map((name) => realPathOf(join(dir, name))));
  // A hard link is another name of the same file: found by its device and inode (trial II).
  const files = new Set(FOLDER_NAMES.map((name) => fileKey(join(dir, name))));
  for (const [what, path] of Object.entries(inputs)) {
    if (path === null) continue;
    const key = fileKey(path);
    if (!outputs.has(realPathOf(path)) && (key === null || !files.has(key))) continue;
    throw new OptionError(
      `the ${what} file ${path} is a file the run writes in ${dir}; copy it elsewhere or ` +
        'choose another output folder',
    );
  }
}

/** A file's device and inode, or null when there is no file. */
function fileKey(path: string): string | null {
  const stats = statIfAny(path);
  return stats === undefined ? null : `${stats.dev}:${stats.ino}`;
}

/**
 * Refuses the default output folder when the run there (finished, or stopped part way) was
 * made from another transactions file: the default (`checkpoints_<N|all>` beside the input)
 * is the same for every file of a folder, and the Kaggle download keeps HI-Small and
 * LI-Small side by side. The second file's run replaced the first one's outputs, or its
 * checkpoints, saying only that "the transactions file changed" (a fresh-user trial). A
 * folder named with --out is the user's choice and is not refused. A finished run's manifest
 * records the path, the checkpoint store the name; names are compared, so that a data folder
 * moved elsewhere keeps its run.
 */
export async function refuseOtherFilesDefaultOut(transactions: string, dir: string): Promise<void> {
  const finished = manifestTransactions(dir);
  const recorded = finished ?? (await CheckpointStore.recordedTransactions(dir));
  if (recorded === undefined || basename(recorded) === basename(transactions)) return;
  // The store keeps the file's name only; the manifest its path.
  const run = finished === undefined ? `the unfinished run of a file named` : 'the run of';
  throw new OptionError(
    `${dir}, the default output folder for ${transactions}, holds ${run} ${recorded}; ` +
      'name a folder with options.out (naming this one replaces that run)',
  );
}

/** The transactions path a finished run's manifest records, if it is there and says one. */
function manifestTransactions(dir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as {
      inputs?: { transactions?: { path?: unknown } };
    };
    const path = manifest.inputs?.transactions?.path;
    return typeof path === 'string' ? path : undefined;
  } catch {
    // No manifest, or one the run's own checks describe.
    return undefined;
  }
}

/** A run's input files by what they are, for refuseInputsAmongOutputs. */
export function inputsOf(opts: {
  transactions: string;
  accounts: string | null;
  patterns: string | null;
}): Record<string, string | null> {
  return { transactions: opts.transactions, accounts: opts.accounts, patterns: opts.patterns };
}

/**
 * A path's stats, or undefined when nothing can be there: missing, or a parent that is not a
 * folder (ENOTDIR), which the folder's creation reports in its own words.
 */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

export function isFile(dir: string, name: string): boolean {
  const path = join(dir, name);
  return existsSync(path) && statSync(path).isFile();
}

/** Whether `dir/manifest.json` has the shape of amlprep's manifests (manifest-shape.ts). */
function ourManifest(dir: string): boolean {
  try {
    if (!isFile(dir, MANIFEST_FILE)) return false;
    // The whole shape, not a key: `{"amlprep": 1}` beside someone's nodes.arrow made the
    // folder amlprep's, and `clean --outputs` removed that file (a fresh-user trial).
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as unknown;
    return manifestShapeProblem(manifest) === null;
  } catch {
    return false;
  }
}
