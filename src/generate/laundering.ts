import { homeCurrency } from './accounts.js';
import { toUnits } from './amounts.js';
import { AttemptDraw, type PlannedTx } from './attempt-draw.js';
import { Rng } from './rng.js';
import { MAX_ROW_BYTES, emptyRow, type RowFields } from './row-encoder.js';
import { BUILDERS } from './typologies.js';
import { FORMAT, TYPOLOGIES, type Typology } from './vocab.js';
import { STREAM, type World } from './world.js';

/** One laundering attempt: a block of the patterns file. */
export interface LaunderingAttempt {
  readonly typology: Typology;
  /** Text after `TYPOLOGY:  ` on the BEGIN line, or '' when the real files have none. */
  readonly detail: string;
  readonly start: number;
  /** The attempt's rows in block order, each a CSV line with its newline. */
  readonly lines: readonly Buffer[];
  /** Minute of each row, aligned with `lines`. */
  readonly minutes: readonly number[];
}

/** Every laundering row, planned before any ordinary row is written. */
export interface LaunderingPlan {
  /** Attempts in order of their first transaction. */
  readonly attempts: readonly LaunderingAttempt[];
  /** All laundering lines ordered by time (ties keep attempt order); `minutes` aligns. */
  readonly lines: readonly Buffer[];
  readonly minutes: Int32Array;
  readonly perTypology: Readonly<Record<Typology, number>>;
}

/**
 * Plans attempts until they hold `targetRows` rows. Typologies come in shuffled rounds of
 * all eight, so every typology appears as soon as there are eight attempts, and the last
 * attempt is sized to the rows still wanted (overshooting by at most one row).
 */
export function planLaundering(world: World, targetRows: number, seed: number): LaunderingPlan {
  const rng = new Rng(seed, STREAM.laundering);
  const draw = new AttemptDraw(rng, world.accounts);
  const attempts: LaunderingAttempt[] = [];
  const rounds: Typology[] = [];
  let rows = 0;

  while (rows < targetRows) {
    if (rounds.length === 0) rounds.push(...shuffled(rng));
    const typology = rounds.pop() as Typology;
    draw.begin();
    const draft = BUILDERS[typology](draw, targetRows - rows);

    attempts.push(encodeAttempt(world, typology, draft.detail, draft.txs));
    rows += draft.txs.length;
  }

  return assemble(attempts);
}

function shuffled(rng: Rng): Typology[] {
  const order = rng.permutation(TYPOLOGIES.length);
  return Array.from(order, (index) => TYPOLOGIES[index] as Typology);
}

function encodeAttempt(
  world: World,
  typology: Typology,
  detail: string,
  txs: readonly PlannedTx[],
): LaunderingAttempt {
  const scratch = Buffer.alloc(MAX_ROW_BYTES);
  const row = emptyRow();

  const lines = txs.map((tx) => {
    fillLaunderingRow(world, row, tx);
    const end = world.encoder.encode(scratch, 0, row);
    return Buffer.from(scratch.subarray(0, end));
  });
  const minutes = txs.map((tx) => tx.minute);
  return { typology, detail, start: Math.min(...minutes), lines, minutes };
}

/** Laundering goes by ACH (Bitcoin from Bitcoin accounts) in the sender's own currency. */
function fillLaunderingRow(world: World, row: RowFields, tx: PlannedTx): void {
  const currency = homeCurrency(world.accounts, world.banks, tx.from);
  const units = toUnits(tx.usd, currency);

  row.minute = tx.minute;
  row.from = tx.from;
  row.to = tx.to;
  row.format = world.accounts.crypto[tx.from] === 1 ? FORMAT.bitcoin : FORMAT.ach;
  row.payCurrency = currency;
  row.receiveCurrency = currency;
  row.paid = units;
  row.received = units;
  row.laundering = 1;
}

/** Orders attempts by their first row and all rows by time; JS sorts are stable. */
function assemble(attempts: LaunderingAttempt[]): LaunderingPlan {
  const perTypology = Object.fromEntries(TYPOLOGIES.map((name) => [name, 0])) as Record<
    Typology,
    number
  >;
  const rows: { minute: number; line: Buffer }[] = [];

  for (const attempt of attempts) {
    perTypology[attempt.typology] += 1;
    attempt.lines.forEach((line, index) => {
      rows.push({ minute: attempt.minutes[index] ?? 0, line });
    });
  }
  rows.sort((a, b) => a.minute - b.minute);

  return {
    attempts: attempts.sort((a, b) => a.start - b.start),
    lines: rows.map((row) => row.line),
    minutes: Int32Array.from(rows, (row) => row.minute),
    perTypology,
  };
}
